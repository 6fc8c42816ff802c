using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using System.Text.Json.Nodes;
using RelationNeurons.IO;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>Whether the kernels time candidate plans on this machine or keep the fixed one.</summary>
public enum CalibrationMode
{
    /// <summary>The fixed plan (<see cref="KernelPlan.Default"/>); nothing is read, timed or written. The library's default.</summary>
    Off,
    /// <summary>The cached plan of this machine; without one, calibrate on the first large product and cache the choice. The CLI's default.</summary>
    Auto,
    /// <summary>As <see cref="Auto"/>, but the cache is not read: calibrate again (once per process) and overwrite it.</summary>
    Force,
}

/// <summary>One candidate's timings: seconds per calibration shape (fastest of the rounds) and their sum.</summary>
public sealed record CandidateTiming(KernelPlan Plan, IReadOnlyList<double> Seconds)
{
    public double Total => Seconds.Sum();
}

/// <summary>What a calibration chose, from which timings, in how long.</summary>
public sealed record CalibrationResult(
    KernelKind Kind, SimdLevel Level, KernelPlan Plan, double Seconds, int Threads,
    IReadOnlyList<(int M, int K, int N)> Shapes, IReadOnlyList<CandidateTiming> Candidates, DateTimeOffset MeasuredUtc)
{
    /// <summary>GFLOP/s of a candidate on shape <paramref name="shape"/>.</summary>
    public double Gflops(CandidateTiming c, int shape) => 2.0 * Shapes[shape].M * Shapes[shape].K * Shapes[shape].N / c.Seconds[shape] / 1e9;
}

/// <summary>
/// Picks the kernel plan (tile shape and blocking, <see cref="KernelPlan"/>) per measured machine:
/// a short calibration times a small set of candidate plans on fixed representative products,
/// interleaved, fastest of several rounds, and keeps the fastest (the fixed plan unless another
/// beats it by more than <see cref="Margin"/>). The choice is cached in a small JSON file keyed
/// by the CPU's identity, the core count, the runtime and the kernels' version
/// (<see cref="CachePath"/>). Plans change speed only: every output is summed in
/// <see cref="CanonicalOrder"/> whatever the plan (tested), so results never depend on it.
/// Off unless the host turns it on (<see cref="Mode"/>; the CLI reads <see cref="EnvironmentVariable"/>).
/// </summary>
public static class KernelCalibration
{
    /// <summary><c>off</c>, <c>auto</c> or <c>force</c> (<see cref="CalibrationMode"/>); read by the CLI at startup.</summary>
    public const string EnvironmentVariable = "RELNEURONS_KERNEL_CALIBRATION";

    /// <summary>Full path of the cache file, instead of the default under the user's cache folder.</summary>
    public const string CacheVariable = "RELNEURONS_KERNEL_CACHE";

    /// <summary>Bumped when the tiles or the planner change in a way that makes cached timings stale.</summary>
    public const int KernelVersion = 3; // 2: the Vector256 tiles take one half of the k-lanes at a time; 3: packed panels

    /// <summary>A product this large (2·m·n·k flops) with at least 16 rows triggers the calibration in <see cref="CalibrationMode.Auto"/>.</summary>
    public const long LargeFlops = 1L << 28;

    /// <summary>The trigger in force (<see cref="LargeFlops"/>; tests lower it).</summary>
    internal static long TriggerFlops = LargeFlops;

    /// <summary>The calibration's products (m, k, n): a batch of 64 rows against a gate/up-like and a down-like weight (tests shrink them).</summary>
    internal static (int M, int K, int N)[] Shapes = [(64, 2048, 1024), (64, 5632, 512)];

    /// <summary>Timed rounds per candidate (after one warm-up round).</summary>
    internal static int Rounds = 7;

    /// <summary>Another plan replaces the fixed one only when its total time is this much shorter (noise on a shared machine).</summary>
    public const double Margin = 0.03;

    private static volatile CalibrationMode _mode = CalibrationMode.Off;
    private static readonly object Gate = new();
    private static readonly ConcurrentDictionary<(KernelKind, SimdLevel), (KernelPlan Plan, string Source)> Resolved = new();
    private static int _calibrating;
    private static bool _cacheConsulted;

    /// <summary>The mode in force (default <see cref="CalibrationMode.Off"/>). Setting it forgets plans resolved so far.</summary>
    public static CalibrationMode Mode
    {
        get => _mode;
        set { lock (Gate) { _mode = value; Resolved.Clear(); _cacheConsulted = false; } }
    }

    /// <summary>A plan used for every product of its level whatever the mode (bench, tests); null = none.</summary>
    internal static KernelPlan? Forced { get; set; }

    /// <summary>Where notices go (one line each: a calibration done, a cache ignored); the CLI's stderr by default.</summary>
    public static Action<string> Notice { get; set; } = line => Console.Error.WriteLine(line);

    /// <summary>Cache file path override (tests); null = <see cref="CacheVariable"/> or the user's cache folder.</summary>
    internal static string? CachePathOverride { get; set; }

    /// <summary>The mode named by <see cref="EnvironmentVariable"/> (off/0/false, auto/on/1, force), else <paramref name="fallback"/>.</summary>
    public static CalibrationMode ModeFromEnvironment(CalibrationMode fallback) =>
        ParseMode(Environment.GetEnvironmentVariable(EnvironmentVariable)) ?? fallback;

    /// <summary>A mode's name (off/0/false/no, auto/on/1/true/yes, force; any case), else null.</summary>
    public static CalibrationMode? ParseMode(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "off" or "0" or "false" or "no" => CalibrationMode.Off,
        "auto" or "on" or "1" or "true" or "yes" => CalibrationMode.Auto,
        "force" => CalibrationMode.Force,
        _ => null,
    };

    /// <summary>The cache file: <see cref="CacheVariable"/>, else <c>$XDG_CACHE_HOME/relneurons/kernel-plans.json</c>, else <c>~/.cache/relneurons/kernel-plans.json</c>.</summary>
    public static string CachePath
    {
        get
        {
            if (CachePathOverride is { } o) return o;
            if (Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } p) return p;
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "relneurons", "kernel-plans.json");
        }
    }

    /// <summary>
    /// The plan a product of <paramref name="flops"/> (2·m·n·k) with <paramref name="m"/> rows uses:
    /// the forced one, else with calibration on the cached or (first large product) measured one
    /// for the hardware's level, else the fixed plan. Never blocks on another thread's calibration.
    /// </summary>
    internal static KernelPlan PlanFor(KernelKind kind, SimdLevel level, int m, long flops)
    {
        if (Settled(kind, level) is { } settled) return settled.Plan;
        if (m < 16 || flops < TriggerFlops) return KernelPlan.Default(level);
        if (Interlocked.CompareExchange(ref _calibrating, 1, 0) != 0) return KernelPlan.Default(level);
        try
        {
            var result = Calibrate(kind, level, threads: 1);
            Resolved[(kind, level)] = (result.Plan, "calibrated");
            string where = TrySave(result) ? $"cached in {CachePath}" : "not cached";
            Notice($"kernel calibration: {KernelPlan.KindName(kind)} {level} plan {result.Plan} ({result.Candidates.Count} plans timed in {result.Seconds:F1} s; {where})");
            return result.Plan;
        }
        finally { Volatile.Write(ref _calibrating, 0); }
    }

    /// <summary>The plan the next large product of this kind would use, and where it comes from (forced, cached, calibrated, default, or pending: calibration on the first large product); measures nothing.</summary>
    public static (KernelPlan Plan, string Source) Current(KernelKind kind, SimdLevel level) =>
        Settled(kind, level) ?? (KernelPlan.Default(level), "pending");

    /// <summary>
    /// The plan in force without measuring: forced, the fixed plan (calibration off, or a level
    /// that is not the hardware's), or one resolved in this process or read from the cache (read
    /// once, under the lock); null when only a calibration can tell.
    /// </summary>
    private static (KernelPlan Plan, string Source)? Settled(KernelKind kind, SimdLevel level)
    {
        if (Forced is { } forced && forced.IsValidFor(level)) return (forced, "forced");
        var mode = _mode;
        if (mode == CalibrationMode.Off || level != KernelOptions.HardwareLevel || level == SimdLevel.Scalar) return (KernelPlan.Default(level), "default");
        if (Resolved.TryGetValue((kind, level), out var r)) return r;
        lock (Gate)
        {
            if (!_cacheConsulted)
            {
                _cacheConsulted = true;
                if (mode == CalibrationMode.Auto) LoadCached();
            }
            return Resolved.TryGetValue((kind, level), out r) ? r : null;
        }
    }

    /// <summary>
    /// The float32 plans in force at the configured level, one per kind, for records:
    /// <c>f32-dot/Vector512 4x6-c0-r32-k0 (default); f32-dot-bf16w/Vector512 …</c>.
    /// </summary>
    public static string Describe()
    {
        var level = KernelOptions.Simd;
        return string.Join("; ", Enum.GetValues<KernelKind>().Select(kind =>
        {
            var (plan, source) = Current(kind, level);
            return $"{KernelPlan.KindName(kind)}/{level} {plan} ({source})";
        }));
    }

    /// <summary>
    /// Measures now (whatever the mode): the candidate plans (<see cref="TileCandidates"/>, then
    /// <see cref="BlockingCandidates"/> of the best tile) on the calibration shapes (a batch of 64
    /// rows against a gate/up-like and a down-like weight), round after round, each candidate's
    /// fastest round in process CPU time kept; a plan other than the fixed one must then beat it
    /// again, head to head over twice the rounds. On one thread by default: the tile's speed is a
    /// core's, and CPU time on one thread is what a shared machine's other jobs disturb least.
    /// Does not cache: see <see cref="CalibrateAndCache"/>.
    /// </summary>
    public static CalibrationResult Calibrate(KernelKind kind, SimdLevel level, int threads = 1)
    {
        int rounds = Rounds;
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind));
        level = KernelOptions.Cap(level);
        var start = Stopwatch.GetTimestamp();
        var shapes = Shapes.ToArray();
        var probe = new Probe(shapes, KernelPlan.WeightsOf(kind));
        try
        {
            // Stage 1: the tile shapes with the fixed blocking; stage 2: the blocking around the best tile.
            // The choice is made among the second stage's timings only, the fixed plan and the best
            // tile timed again beside the variants, so that a drift between the stages (another
            // job, the clock) cannot favour one stage's candidates.
            var fixedPlan = KernelPlan.Default(level);
            var tiles = TileCandidates(level);
            var first = probe.Time(tiles, level, threads, rounds);
            var bestTile = Pick(first, fixedPlan).Plan;
            var second = probe.Time(BlockingCandidates(bestTile, kind).Prepend(bestTile).Prepend(fixedPlan).Distinct().ToArray(), level, threads, rounds);
            var chosen = Pick(second, fixedPlan);
            var all = first.Where(t => !second.Any(u => u.Plan == t.Plan)).Concat(second).ToArray();
            if (chosen.Plan != fixedPlan)
            {
                // Head to head with the fixed plan, twice the rounds: a switch has to be confirmed.
                var final = probe.Time([fixedPlan, chosen.Plan], level, threads, 2 * rounds);
                chosen = Pick(final, fixedPlan);
                all = all.Where(t => t.Plan != fixedPlan && t.Plan != final[1].Plan).Concat(final).ToArray();
            }
            return new CalibrationResult(kind, level, chosen.Plan, Stopwatch.GetElapsedTime(start).TotalSeconds, threads, shapes, all, DateTimeOffset.UtcNow);
        }
        finally { probe.Dispose(); }
    }

    /// <summary>Calibrates now, makes the result the plan in force for this process (unless calibration is off) and writes it to the cache.</summary>
    public static CalibrationResult CalibrateAndCache(KernelKind kind, SimdLevel level, int threads, out bool cached)
    {
        var result = Calibrate(kind, level, threads);
        if (_mode != CalibrationMode.Off) Resolved[(kind, result.Level)] = (result.Plan, "calibrated");
        cached = TrySave(result);
        return result;
    }

    /// <summary>The candidates' tile shapes: the fixed tile and the other full-register shapes the level has.</summary>
    internal static KernelPlan[] TileCandidates(SimdLevel level)
    {
        var d = KernelPlan.Default(level);
        (int, int)[] shapes = level == SimdLevel.Vector512 ? [(4, 6), (6, 4), (8, 3), (3, 8), (3, 6), (5, 4), (4, 5), (2, 8)] : [(d.Mr, d.Nr)];
        return shapes.Select(s => d with { Mr = s.Item1, Nr = s.Item2 }).Where(p => p.IsValidFor(level)).Prepend(d).Distinct().ToArray();
    }

    /// <summary>
    /// Blocking variants of a tile for a kind: column tiles per block, rows per block, k-chunks and,
    /// for F32 weights only, packed panels. Variants that run exactly as the tile does on the kind's
    /// weights are left out instead of timed: the packed flag on BF16 weights (never packed) and F16
    /// weights (always packed), and on F16 the row blocks of 16 and 64, below a packed block's
    /// <see cref="MatMul.PackedRowBlock"/> rows.
    /// </summary>
    internal static KernelPlan[] BlockingCandidates(KernelPlan tile, KernelKind kind = KernelKind.F32Dot)
    {
        var variants = new List<KernelPlan> { tile with { ColTiles = 2 }, tile with { ColTiles = 8 }, tile with { ColTiles = 16 }, tile with { KChunk = 1024 } };
        if (kind != KernelKind.F32DotF16) variants.AddRange([tile with { MaxRowBlock = 16 }, tile with { MaxRowBlock = 64 }]);
        if (kind == KernelKind.F32Dot) variants.AddRange([tile with { Packed = true }, tile with { Packed = true, ColTiles = 2 }, tile with { Packed = true, KChunk = 1024 }]);
        return variants.Distinct().ToArray();
    }

    /// <summary>The fastest candidate, unless <paramref name="preferred"/> is within <see cref="Margin"/> of it.</summary>
    internal static CandidateTiming Pick(IReadOnlyList<CandidateTiming> timings, KernelPlan preferred)
    {
        var best = timings.MinBy(t => t.Total)!;
        var pref = timings.FirstOrDefault(t => t.Plan == preferred);
        return pref is not null && pref.Total <= best.Total * (1 + Margin) ? pref : best;
    }

    /// <summary>The calibration's operands (random x, and weights of the kind's stored type per shape) and its timer.</summary>
    private sealed unsafe class Probe((int M, int K, int N)[] shapes, WeightType weights) : IDisposable
    {
        private readonly float[][] _x = shapes.Select(s => Fill(new float[s.M * s.K], 1)).ToArray();
        private readonly float[][] _y = shapes.Select(s => new float[s.M * s.N]).ToArray();
        private readonly nint[] _w = shapes.Select(s => (nint)NativeMemory.AlignedAlloc((nuint)s.N * (nuint)s.K * 4, 64)).ToArray();
        private bool _filled;

        public CandidateTiming[] Time(KernelPlan[] plans, SimdLevel level, int threads, int rounds)
        {
            if (!_filled)
            {
                for (int s = 0; s < shapes.Length; s++)
                {
                    var values = new Span<float>((void*)_w[s], shapes[s].N * shapes[s].K);
                    Fill(values, 2);
                    if (weights != WeightType.F32) Narrow(values, weights);
                }
                _filled = true;
            }
            var best = new double[plans.Length, shapes.Length];
            for (int r = -1; r < rounds; r++) // round −1 warms up (JIT, caches) and is not counted
                for (int c = 0; c < plans.Length; c++)
                    for (int s = 0; s < shapes.Length; s++)
                    {
                        var (m, k, n) = shapes[s];
                        var w = new WeightMatrix((void*)_w[s], weights, n, k);
                        // Process CPU time: a time slice given to another job on a shared machine is not counted.
                        var t0 = Environment.CpuUsage.TotalTime;
                        MatMul.Multiply(_x[s], m, w, _y[s], false, level, threads, plans[c]);
                        double sec = (Environment.CpuUsage.TotalTime - t0).TotalSeconds / threads;
                        if (r >= 0) best[c, s] = r == 0 ? sec : Math.Min(best[c, s], sec);
                    }
            return plans.Select((p, c) => new CandidateTiming(p, Enumerable.Range(0, shapes.Length).Select(s => best[c, s]).ToArray())).ToArray();
        }

        /// <summary>The values as 16-bit weights in the buffer's first half (in place: element i's bits never overwrite an element not yet read).</summary>
        private static void Narrow(Span<float> values, WeightType type)
        {
            var bits = MemoryMarshal.Cast<float, ushort>(values);
            for (int i = 0; i < values.Length; i++)
                bits[i] = type == WeightType.F16 ? BitConverter.HalfToUInt16Bits((Half)values[i]) : (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16);
        }

        private static float[] Fill(float[] a, int seed) { Fill(a.AsSpan(), seed); return a; }

        private static void Fill(Span<float> a, int seed)
        {
            var rng = new Random(seed);
            for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() - 0.5);
        }

        public void Dispose()
        {
            foreach (var p in _w) NativeMemory.AlignedFree((void*)p);
        }
    }

    // ---- the cache file ----

    /// <summary>What identifies a machine and a build for the cache: a plan measured under another key is not used.</summary>
    public sealed record CacheKey(string Vendor, int Family, int Model, int Stepping, string Name, int Cores, string Runtime, string Kernels);

    /// <summary>This machine's key: CPUID vendor, family, model and stepping (with their extended fields) and brand string; logical cores; .NET version; kernel version.</summary>
    public static CacheKey ThisMachine()
    {
        string vendor = RuntimeInformation.ProcessArchitecture.ToString(), name = "";
        int family = 0, model = 0, stepping = 0;
        if (X86Base.IsSupported)
        {
            var (max, b, c, d) = X86Base.CpuId(0, 0);
            vendor = Ascii(b, d, c);
            if (max >= 1)
            {
                int eax = X86Base.CpuId(1, 0).Eax;
                stepping = eax & 0xF;
                model = (eax >> 4) & 0xF;
                family = (eax >> 8) & 0xF;
                if (family == 0xF) family += (eax >> 20) & 0xFF;
                if (family == 0x6 || family >= 0xF) model += ((eax >> 16) & 0xF) << 4;
            }
            if ((uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= 0x80000004)
            {
                var parts = new List<int>();
                for (int leaf = 0; leaf < 3; leaf++)
                {
                    var (a2, b2, c2, d2) = X86Base.CpuId(unchecked((int)0x80000002) + leaf, 0);
                    parts.AddRange([a2, b2, c2, d2]);
                }
                name = Ascii([.. parts]).Trim();
            }
        }
        string kernels = string.Create(CultureInfo.InvariantCulture, $"{KernelVersion}:{DotTiles.MR512}x{DotTiles.NR512}/{DotTiles.MaxAcc512}");
        return new CacheKey(vendor, family, model, stepping, name, Environment.ProcessorCount, Environment.Version.ToString(), kernels);
    }

    private static string Ascii(params int[] regs)
    {
        var bytes = new byte[regs.Length * 4];
        for (int i = 0; i < regs.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), regs[i]);
        return System.Text.Encoding.ASCII.GetString(bytes).TrimEnd('\0');
    }

    /// <summary>Plans in the cache for <paramref name="key"/> (kind name/level → plan); null when absent or another machine's; throws on a corrupt file.</summary>
    internal static Dictionary<string, KernelPlan>? ReadCache(string path, CacheKey key)
    {
        if (!File.Exists(path)) return null;
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        if ((int?)root["schema_version"] != 1) throw new JsonException("unknown schema_version");
        var k = root["key"] as JsonObject ?? throw new JsonException("no key");
        var stored = new CacheKey((string?)k["vendor"] ?? "", (int?)k["family"] ?? -1, (int?)k["model"] ?? -1, (int?)k["stepping"] ?? -1,
            (string?)k["name"] ?? "", (int?)k["cores"] ?? -1, (string?)k["runtime"] ?? "", (string?)k["kernels"] ?? "");
        if (stored != key) return null;
        var plans = new Dictionary<string, KernelPlan>(StringComparer.Ordinal);
        foreach (var e in root["plans"] as JsonArray ?? throw new JsonException("no plans"))
        {
            string id = $"{(string?)e?["kind"]}/{(string?)e?["level"]}";
            if (!KernelPlan.TryParse((string?)e?["plan"], out var plan)) throw new JsonException($"bad plan in {id}");
            plans[id] = plan;
        }
        return plans;
    }

    private static string Id(KernelKind kind, SimdLevel level) => $"{KernelPlan.KindName(kind)}/{level}";

    /// <summary>Resolves every cached plan of this machine; a corrupt or unreadable file gets a notice and is replaced on the next calibration.</summary>
    private static void LoadCached()
    {
        string path = CachePath;
        try
        {
            var plans = ReadCache(path, ThisMachine());
            if (plans is null) return;
            foreach (KernelKind kind in Enum.GetValues<KernelKind>())
                foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
                    if (plans.TryGetValue(Id(kind, level), out var p) && p.IsValidFor(level)) Resolved[(kind, level)] = (p, "cached");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            Notice($"kernel calibration: ignoring the unreadable cache {path} ({e.Message.Split('\n')[0]}); calibrating again");
        }
    }

    /// <summary>Writes <paramref name="result"/> into the cache (atomically; other kinds' entries of the same key kept); false with a notice when it cannot.</summary>
    internal static bool TrySave(CalibrationResult result)
    {
        string path = CachePath;
        try
        {
            var key = ThisMachine();
            var entries = new JsonArray();
            try
            {
                // Keep this machine's other entries; a file of another machine or a corrupt one is replaced whole.
                if (File.Exists(path) && ReadCache(path, key) is not null && JsonNode.Parse(File.ReadAllText(path))?["plans"] is JsonArray old)
                    foreach (var e in old)
                        if ($"{(string?)e?["kind"]}/{(string?)e?["level"]}" != Id(result.Kind, result.Level)) entries.Add(e?.DeepClone());
            }
            catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException) { }
            var candidates = new JsonArray();
            foreach (var c in result.Candidates)
                candidates.Add(new JsonObject
                {
                    ["plan"] = c.Plan.ToString(),
                    ["gflops"] = new JsonArray(Enumerable.Range(0, result.Shapes.Count).Select(s => (JsonNode)Math.Round(result.Gflops(c, s), 1)).ToArray()),
                });
            entries.Add(new JsonObject
            {
                ["kind"] = KernelPlan.KindName(result.Kind),
                ["level"] = result.Level.ToString(),
                ["plan"] = result.Plan.ToString(),
                ["threads"] = result.Threads,
                ["shapes"] = new JsonArray(result.Shapes.Select(s => (JsonNode)$"{s.M}x{s.K}x{s.N}").ToArray()),
                ["calibration_seconds"] = Math.Round(result.Seconds, 3),
                ["measured_utc"] = result.MeasuredUtc.ToString("o", CultureInfo.InvariantCulture),
                ["candidates"] = candidates,
            });
            var root = new JsonObject
            {
                ["schema_version"] = 1,
                ["key"] = new JsonObject
                {
                    ["vendor"] = key.Vendor, ["family"] = key.Family, ["model"] = key.Model, ["stepping"] = key.Stepping,
                    ["name"] = key.Name, ["cores"] = key.Cores, ["runtime"] = key.Runtime, ["kernels"] = key.Kernels,
                },
                ["plans"] = entries,
            };
            AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }) + "\n");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Notice($"kernel calibration: could not write the cache {path} ({e.Message.Split('\n')[0]})");
            return false;
        }
    }

    /// <summary>Forgets the plans resolved in this process (tests).</summary>
    internal static void Reset()
    {
        lock (Gate) { Resolved.Clear(); _cacheConsulted = false; }
    }
}
