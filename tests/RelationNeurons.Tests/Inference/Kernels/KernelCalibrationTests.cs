using System.Text.Json.Nodes;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Inference.Kernels;

/// <summary>The calibration tests change process-wide kernel state (mode, forced plan, cache path): they run alone.</summary>
[CollectionDefinition(nameof(KernelCalibrationCollection), DisableParallelization = true)]
public sealed class KernelCalibrationCollection;

public class KernelPlanTests
{
    [Fact]
    public void PlansRoundTripThroughTheirText()
    {
        var p = new KernelPlan(6, 4, 16, 64, 512);
        Assert.Equal("6x4-c16-r64-k512", p.ToString());
        Assert.True(KernelPlan.TryParse(p.ToString(), out var back));
        Assert.Equal(p, back);
        Assert.True(KernelPlan.TryParse("8x3", out var shortForm));
        Assert.Equal(new KernelPlan(8, 3, 0, 32, 0), shortForm);
        var packed = p with { KChunk = 0, Packed = true };
        Assert.Equal("6x4-c16-r64-k0-p1", packed.ToString());
        Assert.True(KernelPlan.TryParse(packed.ToString(), out var packedBack));
        Assert.Equal(packed, packedBack);
        Assert.False(new KernelPlan(4, 6, 0, 32, 40).IsValidFor(SimdLevel.Vector512)); // a k-chunk must end on a 16-lane step
        foreach (var bad in new[] { "", "4", "4x", "x6", "4x6-z3", "4x6-c", "-4x6", "4x6-c-1", "4x6-p2" })
            Assert.False(KernelPlan.TryParse(bad, out _), bad);
    }

    [Fact]
    public void OnlyGeneratedTileShapesAreValid()
    {
        Assert.True(KernelPlan.Default(SimdLevel.Vector512).IsValidFor(SimdLevel.Vector512));
        Assert.Equal(new KernelPlan(4, 6, 0, 32, 0), KernelPlan.Default(SimdLevel.Vector512));
        Assert.False(new KernelPlan(5, 5, 0, 32, 0).IsValidFor(SimdLevel.Vector512)); // 25 accumulators
        Assert.False(new KernelPlan(DotTiles.MR512 + 1, 1, 0, 32, 0).IsValidFor(SimdLevel.Vector512));
        Assert.False(new KernelPlan(4, 6, 0, 32, 0).IsValidFor(SimdLevel.Vector256));
        Assert.True(KernelPlan.Default(SimdLevel.Vector256).IsValidFor(SimdLevel.Vector256));
        Assert.All(KernelCalibration.TileCandidates(SimdLevel.Vector512), p => Assert.True(p.IsValidFor(SimdLevel.Vector512)));
        Assert.True(KernelCalibration.TileCandidates(SimdLevel.Vector512).Length >= 4);
    }

    [Fact]
    public void EachKindTimesOnlyTheVariantsThatChangeHowItsProductsRun()
    {
        var tile = KernelPlan.Default(SimdLevel.Vector512);
        var f32 = KernelCalibration.BlockingCandidates(tile, KernelKind.F32Dot);
        Assert.Contains(f32, p => p.Packed);
        Assert.Contains(f32, p => p.MaxRowBlock == 64);
        var bf16 = KernelCalibration.BlockingCandidates(tile, KernelKind.F32DotBF16);
        Assert.DoesNotContain(bf16, p => p.Packed); // BF16 weights never pack
        Assert.Contains(bf16, p => p.MaxRowBlock == 64);
        var f16 = KernelCalibration.BlockingCandidates(tile, KernelKind.F32DotF16);
        Assert.DoesNotContain(f16, p => p.Packed); // F16 weights always pack
        Assert.All(f16, p => Assert.Equal(tile.MaxRowBlock, p.MaxRowBlock)); // packed blocks take at least PackedRowBlock rows
        Assert.True(2 * 64 < MatMul.PackedRowBlock);
        Assert.Contains(f16, p => p.KChunk == 1024);
    }

    [Fact]
    public void ThePreferredPlanStaysWithinTheMargin()
    {
        var fixedPlan = new KernelPlan(4, 6, 0, 32, 0);
        var other = new KernelPlan(6, 4, 0, 32, 0);
        var close = new[] { new CandidateTiming(fixedPlan, [1.02]), new CandidateTiming(other, [1.0]) };
        Assert.Equal(fixedPlan, KernelCalibration.Pick(close, fixedPlan).Plan);
        var far = new[] { new CandidateTiming(fixedPlan, [1.2]), new CandidateTiming(other, [1.0]) };
        Assert.Equal(other, KernelCalibration.Pick(far, fixedPlan).Plan);
    }

    public static IEnumerable<object[]> LevelsAndTypes() => MatMulTests.LevelsAndTypes().Where(a => (SimdLevel)a[0] != SimdLevel.Scalar);

    /// <summary>Every candidate the calibration can choose, and k-chunked variants of each tile (parked accumulators).</summary>
    private static IEnumerable<KernelPlan> EveryPlan(SimdLevel level)
    {
        var tiles = KernelCalibration.TileCandidates(level);
        foreach (var t in tiles)
        {
            yield return t;
            yield return t with { KChunk = 48, MaxRowBlock = 16 };
            foreach (var b in KernelCalibration.BlockingCandidates(t)) yield return b;
        }
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void EveryCandidatePlanGivesTheScalarCanonicalResultBitForBit(SimdLevel level, WeightType type)
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 3; trial++)
        {
            int m = rng.Next(9, 41), n = rng.Next(20, 90), k = rng.Next(33, 200);
            using var w = new TestWeights(MatMulTests.Random(n * k, 100 + trial), type, n, k);
            var x = MatMulTests.Random(m * k, 200 + trial);
            var scalar = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, scalar, false, SimdLevel.Scalar, 1);
            int row = rng.Next(m);
            foreach (var plan in EveryPlan(level).Distinct())
            {
                var y = new float[m * n];
                MatMul.Multiply(x, m, w.Matrix, y, false, level, 2, plan);
                Assert.True(MatMulTests.Bits(scalar).SequenceEqual(MatMulTests.Bits(y)), $"{level} {type} plan {plan} m={m} n={n} k={k}");
                var single = new float[n];
                MatMul.Multiply(x.AsSpan(row * k, k), 1, w.Matrix, single, false, level, 1, plan);
                Assert.True(MatMulTests.Bits(scalar.AsSpan(row * n, n)).SequenceEqual(MatMulTests.Bits(single)), $"{level} {type} plan {plan}: row {row} alone");
            }
        }
    }
}

[Collection(nameof(KernelCalibrationCollection))]
public sealed class KernelCalibrationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "relneurons-calib-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _notices = [];
    private readonly Action<string> _savedNotice = KernelCalibration.Notice;
    private readonly (int, int, int)[] _savedShapes = KernelCalibration.Shapes;
    private readonly long _savedTrigger = KernelCalibration.TriggerFlops;
    private readonly int _savedRounds = KernelCalibration.Rounds;

    public KernelCalibrationTests()
    {
        Directory.CreateDirectory(_dir);
        KernelCalibration.CachePathOverride = Path.Combine(_dir, "relneurons", "kernel-plans.json");
        KernelCalibration.Notice = line => { lock (_notices) _notices.Add(line); };
        // A calibration in miniature: the same code path, milliseconds instead of seconds.
        KernelCalibration.Shapes = [(16, 64, 48), (16, 160, 24)];
        KernelCalibration.Rounds = 1;
        KernelCalibration.TriggerFlops = 1;
    }

    public void Dispose()
    {
        KernelCalibration.Mode = CalibrationMode.Off;
        KernelCalibration.Forced = null;
        KernelCalibration.CachePathOverride = null;
        KernelCalibration.Notice = _savedNotice;
        KernelCalibration.Shapes = _savedShapes;
        KernelCalibration.TriggerFlops = _savedTrigger;
        KernelCalibration.Rounds = _savedRounds;
        Directory.Delete(_dir, recursive: true);
    }

    private static SimdLevel Level => KernelOptions.HardwareLevel;
    private string Cache => KernelCalibration.CachePathOverride!;

    /// <summary>A product large enough for the lowered trigger (≥ 16 rows); returns the plan it ran with.</summary>
    private static KernelPlan Product(WeightType type = WeightType.F32)
    {
        const int m = 16, n = 30, k = 40;
        using var w = new TestWeights(MatMulTests.Random(n * k, 1), type, n, k);
        var y = new float[m * n];
        MatMul.Multiply(MatMulTests.Random(m * k, 2), m, w.Matrix, y, false, Level, 2);
        return MatMul.t_lastPlan!.Value;
    }

    /// <summary>A cache file for this machine naming <paramref name="plan"/> (written as a calibration would).</summary>
    private void WriteCache(KernelPlan plan, KernelCalibration.CacheKey? key = null)
    {
        var result = new CalibrationResult(KernelKind.F32Dot, Level, plan, 0.5, 1, [(16, 64, 48)],
            [new CandidateTiming(plan, [1e-3])], DateTimeOffset.UtcNow);
        Assert.True(KernelCalibration.TrySave(result));
        if (key is null) return;
        var root = JsonNode.Parse(File.ReadAllText(Cache))!;
        root["key"]!["model"] = key.Model;
        root["key"]!["runtime"] = key.Runtime;
        File.WriteAllText(Cache, root.ToJsonString());
    }

    [SkippableFact]
    public void OffMeansTheFixedPlanWhateverTheCacheHolds()
    {
        Skip.If(Level == SimdLevel.Scalar, "no SIMD tiles");
        var other = KernelCalibration.TileCandidates(Level).Last();
        WriteCache(other);
        KernelCalibration.Mode = CalibrationMode.Off;
        Assert.Equal(KernelPlan.Default(Level), Product());
        Assert.Equal((KernelPlan.Default(Level), "default"), KernelCalibration.Current(KernelKind.F32Dot, Level));
        Assert.Contains("(default)", KernelCalibration.Describe());
        Assert.Empty(_notices);
    }

    [SkippableFact]
    public void TheCachedPlanIsReadBackAndUsedByThePlanner()
    {
        Skip.If(Level != SimdLevel.Vector512, "tile shapes to choose from exist at Vector512");
        var chosen = new KernelPlan(6, 4, 8, 16, 0);
        WriteCache(chosen);
        Assert.Equal(chosen, KernelCalibration.ReadCache(Cache, KernelCalibration.ThisMachine())!["f32-dot/Vector512"]);
        KernelCalibration.Mode = CalibrationMode.Auto;
        Assert.Equal(chosen, Product());
        Assert.Equal((chosen, "cached"), KernelCalibration.Current(KernelKind.F32Dot, Level));
        Assert.Empty(_notices); // nothing measured, nothing to say
    }

    [SkippableFact]
    public void AForcedPlanWinsOverTheModeAndTheCache()
    {
        Skip.If(Level != SimdLevel.Vector512, "tile shapes to choose from exist at Vector512");
        WriteCache(new KernelPlan(6, 4, 8, 16, 0));
        KernelCalibration.Mode = CalibrationMode.Auto;
        KernelCalibration.Forced = new KernelPlan(8, 3, 2, 64, 0);
        Assert.Equal(new KernelPlan(8, 3, 2, 64, 0), Product());
    }

    [SkippableFact]
    public void WithoutACacheTheFirstLargeProductCalibratesAndCaches()
    {
        Skip.If(Level == SimdLevel.Scalar, "no SIMD tiles");
        KernelCalibration.Mode = CalibrationMode.Auto;
        var plan = Product();
        Assert.True(File.Exists(Cache));
        var cached = KernelCalibration.ReadCache(Cache, KernelCalibration.ThisMachine())!;
        Assert.Equal(plan, cached[$"f32-dot/{Level}"]);
        Assert.Equal((plan, "calibrated"), KernelCalibration.Current(KernelKind.F32Dot, Level));
        Assert.Single(_notices, n => n.StartsWith("kernel calibration: f32-dot", StringComparison.Ordinal) && n.Contains(plan.ToString()));
        // A second process (here: the state forgotten) reads it back without measuring.
        KernelCalibration.Reset();
        _notices.Clear();
        Assert.Equal(plan, Product());
        Assert.Equal("cached", KernelCalibration.Current(KernelKind.F32Dot, Level).Source);
        Assert.Empty(_notices);
    }

    [SkippableFact]
    public void EachStoredWeightTypeGetsAPlanOfItsOwn()
    {
        Skip.If(Level == SimdLevel.Scalar, "no SIMD tiles");
        KernelCalibration.Mode = CalibrationMode.Auto;
        var f32 = Product();
        Assert.Equal("pending", KernelCalibration.Current(KernelKind.F32DotBF16, Level).Source);
        var bf16 = Product(WeightType.BF16);
        var cached = KernelCalibration.ReadCache(Cache, KernelCalibration.ThisMachine())!;
        Assert.Equal(f32, cached[$"f32-dot/{Level}"]);
        Assert.Equal(bf16, cached[$"f32-dot-bf16w/{Level}"]);
        Assert.False(cached.ContainsKey($"f32-dot-f16w/{Level}"));
        Assert.Single(_notices, n => n.StartsWith("kernel calibration: f32-dot-bf16w", StringComparison.Ordinal));
        Assert.Equal("pending", KernelCalibration.Current(KernelKind.F32DotF16, Level).Source);
        string described = KernelCalibration.Describe();
        Assert.Contains($"f32-dot/{Level} {f32} (calibrated)", described);
        Assert.Contains($"f32-dot-bf16w/{Level} {bf16} (calibrated)", described);
        Assert.Contains($"f32-dot-f16w/{Level}", described);
        Assert.Equal(KernelKind.F32DotF16, KernelPlan.KindFor(WeightType.F16));
        Assert.Equal(WeightType.BF16, KernelPlan.WeightsOf(KernelKind.F32DotBF16));
    }

    [SkippableFact]
    public void SmallProductsDoNotTriggerTheCalibration()
    {
        Skip.If(Level == SimdLevel.Scalar, "no SIMD tiles");
        KernelCalibration.TriggerFlops = KernelCalibration.LargeFlops;
        KernelCalibration.Mode = CalibrationMode.Auto;
        Assert.Equal(KernelPlan.Default(Level), Product());
        Assert.False(File.Exists(Cache));
        Assert.Equal("pending", KernelCalibration.Current(KernelKind.F32Dot, Level).Source);
    }

    [SkippableFact]
    public void AnotherMachinesCacheIsRecalibratedAndReplaced()
    {
        Skip.If(Level != SimdLevel.Vector512, "tile shapes to choose from exist at Vector512");
        var me = KernelCalibration.ThisMachine();
        WriteCache(new KernelPlan(6, 4, 8, 16, 0), me with { Model = me.Model + 1, Runtime = "9.0.0" });
        Assert.Null(KernelCalibration.ReadCache(Cache, me));
        KernelCalibration.Mode = CalibrationMode.Auto;
        var plan = Product();
        Assert.Single(_notices, n => n.StartsWith("kernel calibration: f32-dot", StringComparison.Ordinal));
        Assert.Equal(plan, KernelCalibration.ReadCache(Cache, me)!["f32-dot/Vector512"]);
        Assert.Equal(me.Model, (int)JsonNode.Parse(File.ReadAllText(Cache))!["key"]!["model"]!);
    }

    [SkippableFact]
    public void ACorruptCacheGetsOneNoticeAndIsRecalibrated()
    {
        Skip.If(Level == SimdLevel.Scalar, "no SIMD tiles");
        Directory.CreateDirectory(Path.GetDirectoryName(Cache)!);
        File.WriteAllText(Cache, "{\"schema_version\": 1, \"key\": {\"vendor\": ");
        KernelCalibration.Mode = CalibrationMode.Auto;
        var plan = Product();
        Assert.Equal(2, _notices.Count);
        Assert.StartsWith("kernel calibration: ignoring the unreadable cache " + Cache, _notices[0]);
        Assert.StartsWith("kernel calibration: f32-dot", _notices[1]);
        Assert.Equal(plan, KernelCalibration.ReadCache(Cache, KernelCalibration.ThisMachine())![$"f32-dot/{Level}"]);
    }

    [SkippableFact]
    public void ForceMeasuresAgainDespiteAGoodCache()
    {
        Skip.If(Level != SimdLevel.Vector512, "tile shapes to choose from exist at Vector512");
        var stale = new KernelPlan(8, 3, 2, 64, 0); // not among the candidates the calibration times
        WriteCache(stale);
        KernelCalibration.Mode = CalibrationMode.Force;
        var plan = Product();
        Assert.NotEqual(stale, plan);
        Assert.Equal("calibrated", KernelCalibration.Current(KernelKind.F32Dot, Level).Source);
        Assert.Equal(plan, KernelCalibration.ReadCache(Cache, KernelCalibration.ThisMachine())!["f32-dot/Vector512"]);
    }

    [Fact]
    public void ModeNamesParseAndUnknownOnesGiveNull()
    {
        Assert.Equal(CalibrationMode.Force, KernelCalibration.ParseMode(" Force "));
        Assert.Equal(CalibrationMode.Off, KernelCalibration.ParseMode("no"));
        Assert.Null(KernelCalibration.ParseMode("sometimes"));
        Assert.Null(KernelCalibration.ParseMode(null));
    }

    [Fact]
    public void TheModeComesFromTheEnvironmentVariable()
    {
        string? saved = Environment.GetEnvironmentVariable(KernelCalibration.EnvironmentVariable);
        try
        {
            foreach (var (value, want) in new[] { ("off", CalibrationMode.Off), ("0", CalibrationMode.Off), ("auto", CalibrationMode.Auto), ("FORCE", CalibrationMode.Force), ("", CalibrationMode.Auto), ("junk", CalibrationMode.Auto) })
            {
                Environment.SetEnvironmentVariable(KernelCalibration.EnvironmentVariable, value);
                Assert.Equal(want, KernelCalibration.ModeFromEnvironment(CalibrationMode.Auto));
            }
        }
        finally { Environment.SetEnvironmentVariable(KernelCalibration.EnvironmentVariable, saved); }
    }

    [Fact]
    public void TheCacheLivesUnderTheUsersCacheFolder()
    {
        KernelCalibration.CachePathOverride = null;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME"), env = Environment.GetEnvironmentVariable(KernelCalibration.CacheVariable);
        try
        {
            Environment.SetEnvironmentVariable(KernelCalibration.CacheVariable, null);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/x/cache");
            Assert.Equal("/x/cache/relneurons/kernel-plans.json", KernelCalibration.CachePath);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "relneurons", "kernel-plans.json"), KernelCalibration.CachePath);
            Environment.SetEnvironmentVariable(KernelCalibration.CacheVariable, "/y/plans.json");
            Assert.Equal("/y/plans.json", KernelCalibration.CachePath);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", xdg);
            Environment.SetEnvironmentVariable(KernelCalibration.CacheVariable, env);
            KernelCalibration.CachePathOverride = Path.Combine(_dir, "relneurons", "kernel-plans.json");
        }
    }
}
