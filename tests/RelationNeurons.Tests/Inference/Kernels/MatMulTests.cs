using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Inference.Kernels;

/// <summary>Owns pinned storage for a weight matrix in one stored type, made from float values.</summary>
internal sealed unsafe class TestWeights : IDisposable
{
    private readonly void* _data;
    public WeightMatrix Matrix { get; }

    public TestWeights(float[] values, WeightType type, int rows, int cols)
    {
        int es = type == WeightType.F32 ? 4 : 2;
        _data = NativeMemory.AlignedAlloc((nuint)Math.Max(1, values.Length * es), 64);
        for (int i = 0; i < values.Length; i++)
        {
            switch (type)
            {
                case WeightType.F32: ((float*)_data)[i] = values[i]; break;
                case WeightType.F16: ((Half*)_data)[i] = (Half)values[i]; break;
                default: ((ushort*)_data)[i] = (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16); break;
            }
        }
        Matrix = new WeightMatrix(_data, type, rows, cols);
    }

    public static TestWeights FromBits(ushort[] bits, WeightType type, int rows, int cols)
    {
        var t = new TestWeights(new float[bits.Length], type, rows, cols);
        for (int i = 0; i < bits.Length; i++) ((ushort*)t._data)[i] = bits[i];
        return t;
    }

    public void Dispose() => NativeMemory.AlignedFree(_data);
}

public class MatMulTests
{
    public static IEnumerable<object[]> LevelsAndTypes()
    {
        foreach (var level in Levels())
            foreach (var type in new[] { WeightType.F32, WeightType.F16, WeightType.BF16 })
                yield return [level, type];
    }

    internal static IEnumerable<SimdLevel> Levels()
    {
        yield return SimdLevel.Scalar;
        if (KernelOptions.HardwareLevel >= SimdLevel.Vector256) yield return SimdLevel.Vector256;
        if (KernelOptions.HardwareLevel >= SimdLevel.Vector512) yield return SimdLevel.Vector512;
    }

    [SkippableFact]
    public void Reduce16GivesEachAccumulatorsCanonicalReductionBitForBit()
    {
        Skip.IfNot(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, "this CPU has no AVX-512F");
        var r = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            var acc = new Vector512<float>[16];
            for (int a = 0; a < 16; a++)
            {
                var lanes = new float[16];
                // Wide exponent range so that any change in the order of additions shows up in the bits.
                for (int l = 0; l < 16; l++) lanes[l] = (float)((r.NextDouble() - 0.5) * Math.Pow(2, r.Next(-20, 21)));
                if (trial % 50 == 0) lanes[r.Next(16)] = float.NaN;
                acc[a] = Vector512.Create(lanes);
            }
            var all = CanonicalOrder.Reduce16(acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7],
                acc[8], acc[9], acc[10], acc[11], acc[12], acc[13], acc[14], acc[15]);
            for (int a = 0; a < 16; a++)
            {
                var lanes = new float[16];
                acc[a].CopyTo(lanes);
                Assert.Equal(BitConverter.SingleToInt32Bits(CanonicalOrder.Reduce(lanes)), BitConverter.SingleToInt32Bits(all.GetElement(a)));
                Assert.Equal(BitConverter.SingleToInt32Bits(CanonicalOrder.Reduce(acc[a])), BitConverter.SingleToInt32Bits(all.GetElement(a)));
            }
        }
    }

    internal static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    private static readonly (int M, int N, int K)[] Shapes =
        [(1, 1, 1), (1, 7, 5), (2, 3, 16), (3, 13, 17), (4, 6, 32), (5, 25, 33), (6, 30, 40), (7, 13, 19), (8, 27, 50), (9, 31, 100), (1, 40, 47), (13, 50, 64)];

    private static float[] Reference(float[] x, int m, in WeightMatrix w, out float[] absBound)
    {
        var y = new float[m * w.Rows];
        MatMulReference.Multiply(x, m, w, y);
        absBound = new float[m * w.Rows];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < w.Rows; j++)
            {
                double s = 0;
                for (int p = 0; p < w.Cols; p++) s += Math.Abs(x[i * w.Cols + p] * w[j, p]);
                absBound[i * w.Rows + j] = (float)s;
            }
        return y;
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void MatchesReferenceOnOddShapes(SimdLevel level, WeightType type)
    {
        foreach (var (m, n, k) in Shapes)
        {
            using var w = new TestWeights(Random(n * k, n * 31 + k), type, n, k);
            var x = Random(m * k, m * 7 + k);
            var want = Reference(x, m, w.Matrix, out var bound);
            var y = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, y, accumulate: false, level, maxThreads: 2);
            for (int i = 0; i < y.Length; i++)
                Assert.True(Math.Abs(y[i] - want[i]) <= 1e-6f * (bound[i] + 1) * Math.Max(1, k / 16),
                    $"{level} {type} m={m} n={n} k={k} i={i}: {y[i]} vs {want[i]}");
        }
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void AccumulateAddsEachResultOnceToWhatYHeld(SimdLevel level, WeightType type)
    {
        foreach (var (m, n, k) in Shapes)
        {
            using var w = new TestWeights(Random(n * k, n + 5 * k), type, n, k);
            var x = Random(m * k, m + 11 * k);
            var before = Random(m * n, m * n + 1);
            var product = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, product, false, level, 2);
            var y = (float[])before.Clone();
            MatMul.Multiply(x, m, w.Matrix, y, true, level, 2);
            for (int i = 0; i < y.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(before[i] + product[i]) == BitConverter.SingleToInt32Bits(y[i]),
                    $"{level} {type} m={m} n={n} k={k} i={i}: {y[i]} vs {before[i] + product[i]}");
        }
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void SimdLevelsAreBitIdenticalToTheScalarCanonicalOrder(SimdLevel level, WeightType type)
    {
        foreach (var (m, n, k) in Shapes)
        {
            using var w = new TestWeights(Random(n * k, n + k), type, n, k);
            var x = Random(m * k, m + 3 * k);
            var scalar = new float[m * n];
            var simd = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, scalar, false, SimdLevel.Scalar, 1);
            MatMul.Multiply(x, m, w.Matrix, simd, false, level, 3);
            Assert.Equal(Bits(scalar), Bits(simd));
        }
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void RowsAreBitIdenticalWhateverTheBatchSizeAndThreadCount(SimdLevel level, WeightType type)
    {
        const int m = 13, n = 70, k = 301; // large enough to run multi-threaded
        using var w = new TestWeights(Random(n * k, 5), type, n, k);
        var x = Random(m * k, 6);
        var batched = new float[m * n];
        MatMul.Multiply(x, m, w.Matrix, batched, false, level, 2);
        foreach (int threads in new[] { 1, 3, 8 })
        {
            var again = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, again, false, level, threads);
            Assert.Equal(Bits(batched), Bits(again));
        }
        for (int i = 0; i < m; i++)
        {
            var row = new float[n];
            MatMul.Multiply(x.AsSpan(i * k, k), 1, w.Matrix, row, false, level, 2);
            Assert.Equal(Bits(batched.AsSpan(i * n, n)), Bits(row));
        }
        // Sub-batches starting mid-way (1..8 rows: the wide small-batch tiles) reproduce their rows.
        for (int rows = 2; rows <= 8; rows++)
        {
            var sub = new float[rows * n];
            MatMul.Multiply(x.AsSpan(4 * k, rows * k), rows, w.Matrix, sub, false, level, 1);
            Assert.Equal(Bits(batched.AsSpan(4 * n, rows * n)), Bits(sub));
        }
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void AccumulateAddsTheProductOnce(SimdLevel level, WeightType type)
    {
        const int m = 3, n = 11, k = 37;
        using var w = new TestWeights(Random(n * k, 8), type, n, k);
        var x = Random(m * k, 9);
        var prod = new float[m * n];
        MatMul.Multiply(x, m, w.Matrix, prod, false, level, 1);
        var y = Random(m * n, 10);
        var expect = y.Zip(prod, (a, b) => a + b).ToArray();
        MatMul.Multiply(x, m, w.Matrix, y, true, level, 2);
        Assert.Equal(Bits(expect), Bits(y));
    }

    [Fact]
    public void PublicEntryUsesTheConfiguredPathAndMatchesReference()
    {
        const int m = 2, n = 9, k = 20;
        using var w = new TestWeights(Random(n * k, 11), WeightType.BF16, n, k);
        var x = Random(m * k, 12);
        var y = new float[m * n];
        MatMul.Multiply(x, m, w.Matrix, y);
        var want = Reference(x, m, w.Matrix, out var bound);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - want[i]) <= 1e-6f * (bound[i] + 1));
    }

    [Fact]
    public void EmptyAndZeroKCases()
    {
        using var w = new TestWeights([], WeightType.F32, 4, 0);
        var y = Enumerable.Repeat(7f, 8).ToArray();
        MatMul.Multiply([], 2, w.Matrix, y);
        Assert.All(y, v => Assert.Equal(0f, v));
        MatMul.Multiply([], 0, w.Matrix, []);
    }

    [Fact]
    public void RejectsShortBuffers()
    {
        using var w = new TestWeights(new float[12], WeightType.F32, 3, 4);
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(new float[7], 2, w.Matrix, new float[6]));
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(new float[8], 2, w.Matrix, new float[5]));
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void SpecialWeightValuesPropagateLikeTheReference(SimdLevel level, WeightType type)
    {
        if (type == WeightType.F32) return; // covered by the exhaustive 16-bit conversion tests below
        // One weight row per special value, x = all ones except a 2 at the special position.
        ushort[] specials = type == WeightType.F16
            ? [0x7c00, 0xfc00, 0x7e00, 0x0001, 0x8001, 0x03ff, 0x8000, 0x7bff, 0x0400]
            : [0x7f80, 0xff80, 0x7fc0, 0x0001, 0x8001, 0x007f, 0x8000, 0x7f7f, 0x0080];
        const int k = 19;
        int n = specials.Length;
        var bits = new ushort[n * k];
        for (int j = 0; j < n; j++) bits[j * k + 17] = specials[j];
        using var w = TestWeights.FromBits(bits, type, n, k);
        var x = new float[k];
        x[17] = 1f;
        var y = new float[n];
        MatMul.Multiply(x, 1, w.Matrix, y, false, level, 1);
        for (int j = 0; j < n; j++)
        {
            float want = w.Matrix[j, 17];
            if (float.IsNaN(want)) Assert.True(float.IsNaN(y[j]));
            else Assert.Equal(want + 0f, y[j]); // the canonical sum starts from +0, so −0 comes out as +0
        }
    }

    [SkippableFact]
    public unsafe void F16AndBF16VectorWideningIsExactForEveryBitPattern()
    {
        Skip.If(KernelOptions.HardwareLevel < SimdLevel.Vector256, $"SIMD level {KernelOptions.HardwareLevel}: no 256-bit vectors to test");
        var all = new ushort[65536];
        for (int i = 0; i < all.Length; i++) all[i] = (ushort)i;
        fixed (ushort* p = all)
        {
            for (int i = 0; i < all.Length; i += 16)
            {
                byte* b = (byte*)(p + i);
                for (int l = 0; l < 8; l++)
                {
                    ushort h = all[i + l];
                    AssertSame((float)BitConverter.UInt16BitsToHalf(h), F16Load.Load256(b)[l]);
                    AssertSame(BitConverter.UInt32BitsToSingle((uint)h << 16), BF16Load.Load256(b)[l]);
                }
                if (KernelOptions.HardwareLevel < SimdLevel.Vector512) continue;
                for (int l = 0; l < 16; l++)
                {
                    ushort h = all[i + l];
                    AssertSame((float)BitConverter.UInt16BitsToHalf(h), F16Load.Load512(b)[l]);
                    AssertSame(BitConverter.UInt32BitsToSingle((uint)h << 16), BF16Load.Load512(b)[l]);
                }
            }
        }

        static void AssertSame(float want, float got)
        {
            if (float.IsNaN(want)) Assert.True(float.IsNaN(got));
            else Assert.Equal(BitConverter.SingleToUInt32Bits(want), BitConverter.SingleToUInt32Bits(got));
        }
    }

    internal static uint[] Bits(ReadOnlySpan<float> v)
    {
        var b = new uint[v.Length];
        for (int i = 0; i < v.Length; i++) b[i] = BitConverter.SingleToUInt32Bits(v[i]);
        return b;
    }
}

public class MatMulBlockingTests
{
    [Fact]
    public void KChunkedPathIsBitIdenticalToTheScalarCanonicalOrder()
    {
        // k > KChunk and several row tiles: the k-blocked path with parked partial accumulators runs.
        int m = 11, n = 100, k = 512 * 2 + 37; // row blocks of 8 rows (chunked) and 3 rows (single pass)
        foreach (var level in MatMulTests.Levels())
            foreach (var type in new[] { WeightType.F32, WeightType.BF16, WeightType.F16 })
            {
                using var w = new TestWeights(MatMulTests.Random(n * k, 3), type, n, k);
                var x = MatMulTests.Random(m * k, 4);
                var scalar = new float[m * n];
                MatMul.Multiply(x, m, w.Matrix, scalar, false, SimdLevel.Scalar, 1);
                var y = new float[m * n];
                var plan = KernelPlan.Default(level) with { KChunk = 512, MaxRowBlock = 8 };
                MatMul.Multiply(x, m, w.Matrix, y, false, level, 2, plan);
                Assert.Equal(MatMulTests.Bits(scalar), MatMulTests.Bits(y));
                var row = new float[n];
                MatMul.Multiply(x.AsSpan(7 * k, k), 1, w.Matrix, row, false, level, 1, plan);
                Assert.Equal(MatMulTests.Bits(scalar.AsSpan(7 * n, n)), MatMulTests.Bits(row));
            }
    }

    public static IEnumerable<object[]> SimdLevelsAndTypes() => MatMulTests.LevelsAndTypes().Where(a => (SimdLevel)a[0] != SimdLevel.Scalar);

    [Theory, MemberData(nameof(SimdLevelsAndTypes))]
    public void PackedPanelsGiveTheScalarCanonicalResultForEveryTileAndEdge(SimdLevel level, WeightType type)
    {
        // Every tile shape of the level, with row and column edge tiles (m, n not multiples of the
        // tile), k below, at and past a 16-lane step, k-chunks, accumulate, 1 and 3 threads.
        var (mrMax, nrMax) = level == SimdLevel.Vector512 ? (DotTiles.MR512, DotTiles.NR512) : (DotTiles.MR256, DotTiles.NR256);
        var rng = new Random(31);
        var ks = new[] { 1, 15, 16, 17, 47, 130 };
        int trial = 0;
        for (int mr = 1; mr <= mrMax; mr++)
            for (int nr = 1; nr <= nrMax; nr++)
            {
                var plan = new KernelPlan(mr, nr, 0, 32, 0, Packed: true);
                if (!plan.IsValidFor(level)) continue;
                int k = ks[trial % ks.Length], m = 9 + rng.Next(30), n = 1 + rng.Next(40);
                bool accumulate = trial % 3 == 2;
                plan = plan with { KChunk = trial % 4 == 3 ? 16 * (1 + rng.Next(3)) : 0, MaxRowBlock = 4 + rng.Next(40) };
                trial++;
                using var w = new TestWeights(MatMulTests.Random(n * k, 40 + trial), type, n, k);
                var x = MatMulTests.Random(m * k, 80 + trial);
                var start = MatMulTests.Random(m * n, 120 + trial);
                var scalar = start.ToArray();
                MatMul.Multiply(x, m, w.Matrix, scalar, accumulate, SimdLevel.Scalar, 1);
                foreach (int threads in new[] { 1, 3 })
                {
                    var y = start.ToArray();
                    MatMul.Multiply(x, m, w.Matrix, y, accumulate, level, threads, plan);
                    Assert.Equal(type != WeightType.BF16, MatMul.t_lastPacked);
                    Assert.True(MatMulTests.Bits(scalar).SequenceEqual(MatMulTests.Bits(y)), $"{level} {type} plan {plan} m={m} n={n} k={k} threads={threads}");
                }
            }
        Assert.True(trial >= (level == SimdLevel.Vector512 ? 20 : 6));
        // More rows than a packed row block (MatMul.PackedRowBlock): several row blocks, each packing W
        // again; m·k ≥ 2^18, so x is packed on both threads.
        {
            const int m = MatMul.PackedRowBlock + 45, n = 20, k = 901;
            using var w = new TestWeights(MatMulTests.Random(n * k, 7), type, n, k);
            var x = MatMulTests.Random(m * k, 8);
            var scalar = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, scalar, false, SimdLevel.Scalar, 1);
            var y = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, y, false, level, 2, KernelPlan.Default(level) with { Packed = true });
            Assert.Equal(type != WeightType.BF16, MatMul.t_lastPacked);
            Assert.True(MatMulTests.Bits(scalar).SequenceEqual(MatMulTests.Bits(y)), $"{level} {type} m={m}");
        }
    }

    [Fact]
    public void PackedPanelsHoldEachRowsLanesSideBySideZeroPadded()
    {
        // x: 3 rows, k = 20, tiles of 2 rows → 2 tiles × 2 steps × 2 rows × 16 lanes.
        const int m = 3, k = 20, mr = 2;
        var x = Enumerable.Range(0, m * k).Select(i => (float)(i + 1)).ToArray();
        var panel = new float[2 * DotPacking.Steps(k) * mr * 16];
        unsafe
        {
            fixed (float* xp = x, pp = panel) DotPacking.PackRows(xp, m, k, mr, pp, 0, 2);
        }
        float At(int tile, int step, int row, int lane) => panel[((tile * 2 + step) * mr + row) * 16 + lane];
        Assert.Equal(x[1 * k + 17], At(0, 1, 1, 1));   // row 1, k = 17
        Assert.Equal(x[2 * k + 3], At(1, 0, 0, 3));    // row 2 = tile 1's first row
        Assert.Equal(0f, At(0, 1, 0, 4));              // k = 20 is past the row
        Assert.Equal(0f, At(1, 0, 1, 0));              // row 3 does not exist
        // W in BF16 stays 16-bit; F16 is widened to float32.
        ushort[] bits = Enumerable.Range(0, 3 * k).Select(i => (ushort)(0x3F80 + i)).ToArray();
        var wPanel = new ushort[2 * 2 * 2 * 16];
        unsafe
        {
            fixed (ushort* wp = bits, dp = wPanel)
                DotPacking.PackWeights((byte*)wp, WeightType.BF16, k * 2, 3, 16, 4, 2, (byte*)dp, KernelOptions.HardwareLevel);
        }
        // k range 16..19 → one step; tile 0 holds rows 0 and 1, tile 1 row 2 and a zero row.
        Assert.Equal(bits[0 * k + 16], wPanel[0 * 16 + 0]);
        Assert.Equal(bits[1 * k + 19], wPanel[1 * 16 + 3]);
        Assert.Equal((ushort)0, wPanel[1 * 16 + 4]);
        Assert.Equal(bits[2 * k + 17], wPanel[2 * 16 + 1]);
        Assert.Equal((ushort)0, wPanel[3 * 16 + 0]);
        Assert.Equal(WeightType.F32, DotPacking.PanelType(WeightType.F16));
        Assert.Equal(WeightType.BF16, DotPacking.PanelType(WeightType.BF16));
    }
}
