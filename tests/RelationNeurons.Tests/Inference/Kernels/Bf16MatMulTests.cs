using RelationNeurons.Inference.Kernels;
using RelationNeurons.Inference.Kernels.Jit;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Inference.Kernels;

public class Bf16RoundingTests
{
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.5f, 0xC020)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(float.NegativeInfinity, 0xFF80)]
    [InlineData(float.NaN, 0x7FC0)]
    [InlineData(float.MaxValue, 0x7F80)]      // rounds up past the largest bfloat16
    [InlineData(1e-40f, 0x0001)]              // denormals are rounded, not flushed (as PyTorch)
    public void RoundsAsPyTorch(float value, int bits) => Assert.Equal((ushort)bits, Bf16Rounding.ToBf16(value));

    [Theory]
    [InlineData(0x3F808000u, 0x3F80)] // tie, kept part even: down
    [InlineData(0x3F818000u, 0x3F82)] // tie, kept part odd: up
    [InlineData(0x3F808001u, 0x3F81)] // above the tie: up
    [InlineData(0x3F807FFFu, 0x3F80)] // below the tie: down
    [InlineData(0xFFC00001u, 0x7FC0)] // any NaN: the quiet NaN
    public void TiesGoToEven(uint floatBits, int bits) =>
        Assert.Equal((ushort)bits, Bf16Rounding.ToBf16(BitConverter.UInt32BitsToSingle(floatBits)));

    [Fact]
    public void VectorPathsEqualTheScalarRule()
    {
        var r = new Random(3);
        var x = new float[1003];
        for (int i = 0; i < x.Length; i++) x[i] = BitConverter.UInt32BitsToSingle((uint)r.NextInt64(0, 1L << 32));
        x[5] = float.NaN; x[6] = float.PositiveInfinity; x[7] = -0f; x[8] = float.MaxValue; x[9] = 1e-42f;
        var bits = new ushort[x.Length];
        var rounded = new float[x.Length];
        Bf16Rounding.ToBf16(x, bits);
        Bf16Rounding.Round(x, rounded);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Bf16Rounding.ToBf16(x[i]), bits[i]);
            Assert.Equal(BitConverter.SingleToUInt32Bits(Bf16Rounding.ToFloat(bits[i])), BitConverter.SingleToUInt32Bits(rounded[i]));
        }
    }
}

public unsafe class Bf16MatMulTests
{
    private static ushort[] RandomBits(Random r, int count, double denormalShare = 0)
    {
        var v = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            float f = r.NextDouble() < denormalShare
                ? BitConverter.UInt32BitsToSingle((uint)r.Next(1, 0x7F) << 16 | (r.Next(2) == 0 ? 0u : 0x80000000u)) // bfloat16 denormal
                : (float)(r.NextDouble() * 4 - 2) * MathF.Pow(2, r.Next(-12, 12));
            v[i] = Bf16Rounding.ToBf16(f);
        }
        return v;
    }

    private static void AssertBits(float expected, float actual, string where) =>
        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
            $"{where}: expected {expected:R} (0x{BitConverter.SingleToUInt32Bits(expected):X8}), got {actual:R} (0x{BitConverter.SingleToUInt32Bits(actual):X8})");

    public static IEnumerable<object[]> Shapes()
    {
        for (int mr = 1; mr <= Bf16TileEmitter.MaxRows; mr++)
            for (int nr = 1; nr <= Bf16TileEmitter.MaxPanels; nr++)
                if (Bf16TileEmitter.Fits(mr, nr)) yield return [mr, nr];
    }

    [Theory]
    [InlineData(16, 32)]
    [InlineData(37, 65)]     // partial last panel, odd k
    [InlineData(48, 100)]    // pairs not a multiple of 16
    [InlineData(5, 3)]
    [InlineData(33, 1)]
    [InlineData(40, 257)]
    public void PackingByTranspositionEqualsTheScalarRule(int n, int k)
    {
        var r = new Random(n * 1000 + k);
        var w = RandomBits(r, n * k);
        int pairs = (k + 1) / 2;
        foreach (var (c0, cols, p0, count) in new[] { (0, n, 0, pairs), (0, Math.Min(n, 16), pairs / 3, pairs - pairs / 3), (n / 2, n - n / 2, 1 % pairs, Math.Min(17, pairs - 1 % pairs)) })
        {
            if (count <= 0) continue;
            int panels = (cols + 15) / 16;
            var packed = new uint[panels * count * 16];
            var expected = new uint[packed.Length];
            fixed (ushort* wp = w)
            fixed (uint* pp = packed, ep = expected)
            {
                Bf16Packing.Pack(wp, n, k, c0, cols, p0, count, pp);
                for (int q = 0; q < panels; q++)
                    Bf16Packing.PackScalar(wp, n, k, c0 + 16 * q, Math.Min(16, cols - 16 * q), p0, count, ep + q * count * 16);
            }
            Assert.Equal(expected, packed);
            // The rule: line t of panel q, lane l = (W[c][2p], W[c][2p+1]), +0 past k and past the block.
            for (int q = 0; q < panels; q++)
                for (int t = 0; t < count; t++)
                    for (int l = 0; l < 16; l++)
                    {
                        int c = c0 + 16 * q + l, e = 2 * (p0 + t);
                        bool inside = 16 * q + l < cols && c < n;
                        uint lo = inside && e < k ? w[c * k + e] : 0u, hi = inside && e + 1 < k ? w[c * k + e + 1] : 0u;
                        Assert.Equal(lo | hi << 16, packed[(q * count + t) * 16 + l]);
                    }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void EveryEmittedTileEqualsTheScalarModelBitForBit(int mr, int nr)
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        var r = new Random(mr * 100 + nr);
        foreach (int k in new[] { 1, 2, 3, 7, 8, 9, 17, 31, 32, 33, 64, 95, 130 })
        {
            int tail = 1 + r.Next(16), n = (nr - 1) * 16 + tail;         // a partial last panel as often as not
            int pairs = (k + 1) / 2, ldx = 2 * pairs + 2 * r.Next(0, 2), ldy = nr * 16 + r.Next(0, 3);
            var x = RandomBits(r, mr * ldx, denormalShare: 0.05);
            for (int i = 0; i < mr; i++) for (int e = k; e < ldx; e++) x[i * ldx + e] = (ushort)(e == k ? 0 : 0x7FC0); // +0 pad, NaN beyond
            var w = RandomBits(r, n * k, denormalShare: 0.05);
            var y = new float[mr * ldy];
            Array.Fill(y, float.NaN);
            int split = r.Next(0, pairs);  // a k-slice boundary: the chains continue from y
            fixed (ushort* xp = x, wp = w)
            fixed (float* yp = y)
                foreach (var (p0, count) in new[] { (0, split), (split, pairs - split) })
                {
                    if (count == 0) continue;
                    var packed = new uint[nr * count * 16 + 16];
                    fixed (uint* raw = packed)
                    {
                        uint* pp = (uint*)(((nint)raw + 63) & ~(nint)63);
                        Bf16Packing.Pack(wp, n, k, 0, n, p0, count, pp);
                        var args = new Bf16TileArgs
                        {
                            X = xp + 2 * p0, LdxBytes = ldx * 2, W = pp, PanelBytes = count * 64, Pairs = count,
                            Y = yp, LdyBytes = ldy * 4, Continue = p0 > 0 ? 1 : 0, LastMask = (1 << tail) - 1,
                        };
                        Bf16Tiles.Tile(mr, nr)(&args);
                    }
                }
            for (int i = 0; i < mr; i++)
                for (int c = 0; c < ldy; c++)
                    if (c < n) AssertBits(Bf16MatMul.DotScalar(x.AsSpan(i * ldx, k), w.AsSpan(c * k, k), k), y[i * ldy + c], $"{mr}×{nr} tile, k={k}, split {split}, ({i},{c})");
                    else Assert.True(float.IsNaN(y[i * ldy + c]), $"{mr}×{nr} tile wrote column {c} past n={n}");
        }
    }

    [SkippableTheory]
    [InlineData(1, 37, 64)]
    [InlineData(3, 29, 96)]
    [InlineData(8, 50, 33)]
    [InlineData(9, 23, 200)]
    [InlineData(13, 31, 5)]
    [InlineData(16, 16, 1)]
    [InlineData(35, 41, 130)]
    [InlineData(70, 100, 512)]
    [InlineData(40, 97, 1031)]   // k odd, not a multiple of any slice
    [InlineData(130, 13, 3100)]
    [InlineData(260, 9, 1029)]   // m·k ≥ 2^18 with k odd: x rounded on several threads into padded rows
    public void ProductEqualsTheScalarModelAndIsIndependentOfBatchTilesSlicesAndThreads(int m, int n, int k)
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        var r = new Random(m * 7 + n * 3 + k);
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        var wBits = RandomBits(r, n * k, denormalShare: 0.01);
        using var w = TestWeights.FromBits(wBits, WeightType.BF16, n, k);
        var xBits = new ushort[x.Length];
        Bf16Rounding.ToBf16(x, xBits);

        var y = new float[m * n];
        Bf16MatMul.Multiply(x, m, w.Matrix, y, Bf16Kernel.Emitted, maxThreads: 2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                AssertBits(Bf16MatMul.DotScalar(xBits.AsSpan(i * k, k), wBits.AsSpan(j * k, k), k), y[i * n + j], $"m={m} n={n} k={k} ({i},{j})");

        // Every main tile the planner may be set to, k-slices that cut k anywhere, column blocks of 1..6 panels, 1 and 2 threads;
        // each on W packed per slice and on the copy packed once.
        var packed = Bf16PackedWeights.Pack(w.Matrix, maxThreads: 2);
        var saved = (Bf16MatMul.MainTile, Bf16MatMul.SlicePairs, Bf16MatMul.BlockPanels);
        try
        {
            foreach (var tile in new[] { (8, 3), (12, 2), (6, 4), (4, 4), (7, 4), (15, 2), (3, 8), (2, 1) })
                foreach (var (slice, panels) in new[] { (512, 6), (7, 1), (3, 2), (64, 4) })
                    foreach (int threads in new[] { 1, 2 })
                    {
                        (Bf16MatMul.MainTile, Bf16MatMul.SlicePairs, Bf16MatMul.BlockPanels) = (tile, slice, panels);
                        var again = new float[m * n];
                        Bf16MatMul.Multiply(x, m, w.Matrix, again, Bf16Kernel.Emitted, threads);
                        Assert.True(y.AsSpan().SequenceEqual(again), $"tile {tile}, slice {slice}, {panels} panels, {threads} threads");
                        var fromCopy = new float[m * n];
                        Bf16MatMul.Multiply(x, m, packed, fromCopy, threads);
                        Assert.True(y.AsSpan().SequenceEqual(fromCopy), $"packed copy: tile {tile}, slice {slice}, {panels} panels, {threads} threads");
                    }
        }
        finally { (Bf16MatMul.MainTile, Bf16MatMul.SlicePairs, Bf16MatMul.BlockPanels) = saved; }

        // Batched == one by one, and any prefix of the batch.
        var row = new float[n];
        for (int i = 0; i < m; i += Math.Max(1, m / 5))
        {
            Bf16MatMul.Multiply(x.AsSpan(i * k, k), 1, w.Matrix, row, Bf16Kernel.Emitted, maxThreads: 2);
            Assert.Equal(y.AsSpan(i * n, n).ToArray(), row);
        }
        int head = (m + 1) / 2;
        var prefix = new float[head * n];
        Bf16MatMul.Multiply(x.AsSpan(0, head * k), head, w.Matrix, prefix, Bf16Kernel.Emitted, maxThreads: 2);
        Assert.Equal(y.AsSpan(0, head * n).ToArray(), prefix);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1024, 1536, 1024)]   // k = 2048: one slice
    [InlineData(1536, 1536, 1536)]
    [InlineData(1537, 1536, 772)]    // two slices of 769 rounded up to whole steps: 772 + 765
    [InlineData(2816, 1536, 1408)]   // k = 5632: two equal slices
    [InlineData(5504, 1536, 1376)]   // k = 11008: four
    [InlineData(10, 7, 5)]
    [InlineData(10, 3, 3)]           // 4 slices of 3 (rounding up to 4 would pass the limit)
    public void SlicesAreEvenAndWithinTheLimit(int pairs, int most, int expected)
    {
        int saved = Bf16MatMul.SlicePairs;
        try
        {
            Bf16MatMul.SlicePairs = most;
            int slice = Bf16MatMul.SliceFor(pairs);
            Assert.Equal(expected, slice);
            Assert.InRange(slice, 1, most);
            Assert.Equal((pairs + most - 1) / most, (pairs + slice - 1) / slice); // no more slices than the fewest possible
        }
        finally { Bf16MatMul.SlicePairs = saved; }
    }

    [SkippableTheory]
    [InlineData(1, 1)]
    [InlineData(17, 3)]      // one whole panel and one column, k odd
    [InlineData(70, 2050)]   // k past a 16-pair transposition block
    public void PackedCopyHoldsEveryPanelOverAllOfK(int n, int k)
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        var r = new Random(n + k);
        var bits = RandomBits(r, n * k);
        using var w = TestWeights.FromBits(bits, WeightType.BF16, n, k);
        var packed = Bf16PackedWeights.Pack(w.Matrix, maxThreads: 2);
        Assert.Equal((n + 15) / 16, packed.Panels);
        Assert.Equal((k + 1) / 2, packed.Pairs);
        Assert.Equal(0, (long)packed.Data % 64);
        Assert.True(packed.Bytes <= Bf16PackedWeights.BytesFor(n, k) + 64);
        for (int c = 0; c < packed.Panels * 16; c++)
            for (int p = 0; p < packed.Pairs; p++)
            {
                uint lo = c < n && 2 * p < k ? bits[c * k + 2 * p] : 0u, hi = c < n && 2 * p + 1 < k ? bits[c * k + 2 * p + 1] : 0u;
                Assert.Equal(lo | hi << 16, packed.Data[((long)(c / 16) * packed.Pairs + p) * 16 + c % 16]);
            }
    }

    [SkippableFact]
    public void ModelProductsPackEachMatrixOnceAndReleaseTheCopy()
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        const int m = 5, n = 40, k = 33;
        var r = new Random(11);
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        var wf = new float[n * k];
        for (int i = 0; i < wf.Length; i++) wf[i] = (float)(r.NextDouble() * 2 - 1);
        var rounded = new ushort[wf.Length];
        Bf16Rounding.ToBf16(wf, rounded);
        using var w32 = new TestWeights(wf, WeightType.F32, n, k); // F32 weights: rounded, then packed
        using var w16 = TestWeights.FromBits(rounded, WeightType.BF16, n, k);
        var expected = new float[m * n];
        Bf16MatMul.Multiply(x, m, w16.Matrix, expected, Bf16Kernel.Emitted, maxThreads: 1);

        var products = new RelationNeurons.Inference.MatrixProducts(RelationNeurons.Inference.ComputePrecision.Bf16, Bf16Kernel.Emitted);
        foreach (var w in new[] { w32.Matrix, w16.Matrix })
        {
            var y = new float[m * n];
            products.Multiply(x, m, w, y);
            Assert.Equal(expected, y);
        }
        long two = products.PackedBytes;
        Assert.Equal(2 * Bf16PackedWeights.BytesFor(n, k), two, tolerance: 2 * 64);
        var again = new float[m * n];
        products.Multiply(x, m, w16.Matrix, again); // the copy is kept: no third one
        Assert.Equal(two, products.PackedBytes);
        products.Release([w32.Matrix, w16.Matrix]);
        Assert.Equal(0, products.PackedBytes);
        products.Multiply(x, m, w32.Matrix, again);
        Assert.Equal(expected, again);

        // Without packing once (a copy that would not fit): W packed per product, the same bits, no copy held.
        var perProduct = new RelationNeurons.Inference.MatrixProducts(RelationNeurons.Inference.ComputePrecision.Bf16, Bf16Kernel.Emitted, packOnce: false);
        foreach (var w in new[] { w32.Matrix, w16.Matrix })
        {
            var y = new float[m * n];
            perProduct.Multiply(x, m, w, y);
            Assert.Equal(expected, y);
        }
        Assert.Equal(0, perProduct.PackedBytes);
    }

    [SkippableFact]
    public void EmptyKGivesZeros()
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        using var w = TestWeights.FromBits([], WeightType.BF16, 3, 0);
        var y = new float[6];
        Array.Fill(y, 5f);
        Bf16MatMul.Multiply(ReadOnlySpan<float>.Empty, 2, w.Matrix, y, Bf16Kernel.Emitted, 1);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WideningFallbackIsTheFloat32KernelOnRoundedInputs()
    {
        var r = new Random(11);
        int m = 19, n = 27, k = 70;
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        using var w = TestWeights.FromBits(RandomBits(r, n * k), WeightType.BF16, n, k);
        var y = new float[m * n];
        Bf16MatMul.Multiply(x, m, w.Matrix, y, Bf16Kernel.Widening, maxThreads: 2);
        var rounded = new float[x.Length];
        Bf16Rounding.Round(x, rounded);
        var expected = new float[m * n];
        MatMul.Multiply(rounded, m, w.Matrix, expected);
        Assert.Equal(expected, y);
        Assert.NotEqual(0f, y[0]);
    }

    [Fact]
    public void RefusesWeightsThatAreNotBfloat16()
    {
        using var w = new TestWeights(new float[6], WeightType.F32, 2, 3);
        Assert.Throws<ArgumentException>(() => Bf16MatMul.Multiply(new float[3], 1, w.Matrix, new float[2], Bf16Kernel.Widening, 1));
    }
}

public unsafe class ExecutableMemoryTests
{
    [Fact]
    public void CodeIsMappedReadExecuteNeverWritable()
    {
        // mov eax, 42; ret
        using var memory = new ExecutableMemory([0xB8, 42, 0, 0, 0, 0xC3]);
        Assert.Equal(42, ((delegate* unmanaged<int>)memory.Base)());
        long start = (long)memory.Base;
        var line = File.ReadLines("/proc/self/maps").Single(l =>
        {
            var range = l.Split(' ')[0].Split('-');
            return Convert.ToInt64(range[0], 16) <= start && start < Convert.ToInt64(range[1], 16);
        });
        Assert.Equal("r-xp", line.Split(' ')[1]);
    }
}
