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
            for (int nr = 1; nr <= Bf16TileEmitter.MaxCols; nr++)
                if (Bf16TileEmitter.Fits(mr, nr)) yield return [mr, nr];
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void EveryEmittedTileEqualsTheScalarModelBitForBit(int mr, int nr)
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        var r = new Random(mr * 100 + nr);
        foreach (int k in new[] { 1, 2, 17, 31, 32, 33, 64, 95, 130, 256 })
        {
            int ldx = k + r.Next(0, 3), ldw = k + r.Next(0, 3);   // strides other than k as well
            var x = RandomBits(r, mr * ldx, denormalShare: 0.05);
            var w = RandomBits(r, nr * ldw, denormalShare: 0.05);
            var part = new float[mr * nr * 16];
            fixed (ushort* xp = x, wp = w)
            fixed (float* pp = part)
                Bf16Tiles.Tile(mr, nr)(xp, ldx * 2, wp, ldw * 2, k, pp);
            for (int i = 0; i < mr; i++)
                for (int j = 0; j < nr; j++)
                {
                    float expected = Bf16MatMul.DotScalar(x.AsSpan(i * ldx, k), w.AsSpan(j * ldw, k), k);
                    AssertBits(expected, CanonicalOrder.Reduce(part.AsSpan((i * nr + j) * 16, 16)), $"{mr}×{nr} tile, k={k}, ({i},{j})");
                }
        }
    }

    [SkippableTheory]
    [InlineData(1, 37, 64)]
    [InlineData(3, 29, 96)]
    [InlineData(8, 50, 33)]
    [InlineData(9, 23, 200)]
    [InlineData(13, 31, 5)]
    [InlineData(35, 41, 130)]
    [InlineData(70, 100, 512)]
    [InlineData(130, 13, 3100)]  // long k: 16 column tiles per block
    public void ProductEqualsTheScalarModelAndIsIndependentOfBatchAndThreads(int m, int n, int k)
    {
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: the emitted tiles are never built here");
        var r = new Random(m * 7 + n * 3 + k);
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        var wBits = RandomBits(r, n * k);
        using var w = TestWeights.FromBits(wBits, WeightType.BF16, n, k);
        var xBits = new ushort[x.Length];
        Bf16Rounding.ToBf16(x, xBits);

        var y2 = new float[m * n];
        Bf16MatMul.Multiply(x, m, w.Matrix, y2, Bf16Kernel.Emitted, maxThreads: 2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                AssertBits(Bf16MatMul.DotScalar(xBits.AsSpan(i * k, k), wBits.AsSpan(j * k, k), k), y2[i * n + j], $"m={m} n={n} k={k} ({i},{j})");

        var y1 = new float[m * n];
        Bf16MatMul.Multiply(x, m, w.Matrix, y1, Bf16Kernel.Emitted, maxThreads: 1);
        Assert.Equal(y2, y1);
        var row = new float[n];
        int last = m - 1;
        Bf16MatMul.Multiply(x.AsSpan(last * k, k), 1, w.Matrix, row, Bf16Kernel.Emitted, maxThreads: 2);
        Assert.Equal(y2.AsSpan(last * n, n).ToArray(), row);
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
