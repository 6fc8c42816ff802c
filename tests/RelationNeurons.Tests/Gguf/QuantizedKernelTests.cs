using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tests.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Gguf;

public unsafe class QuantizedKernelTests
{
    public static TheoryData<WeightType> Types()
    {
        var d = new TheoryData<WeightType>();
        foreach (var t in QuantizedBlocksData.BlockTypes) d.Add(t);
        return d;
    }

    private static void AssertBitsEqual(float[] want, float[] got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            if (BitConverter.SingleToUInt32Bits(want[i]) != BitConverter.SingleToUInt32Bits(got[i]))
                Assert.Fail($"{what}: element {i}: reference {want[i]:R} (0x{BitConverter.SingleToUInt32Bits(want[i]):x8}), got {got[i]:R} (0x{BitConverter.SingleToUInt32Bits(got[i]):x8})");
    }

    [Theory, MemberData(nameof(Types))]
    public void VectorisedDequantizationEqualsReferenceBitForBit(WeightType type)
    {
        foreach (bool extreme in new[] { false, true })
        {
            int blocks = 64, be = QuantizedLayout.BlockElements(type);
            var data = QuantizedBlocksData.Random(type, blocks, 17 + (int)type, extreme, scaleRange: 60000f);
            var want = QuantizedBlocksData.ReferenceMatrix(type, data, 1, blocks * be);
            var got = new float[want.Length];
            fixed (byte* p = data) fixed (float* g = got) DequantizeRows.Blocks(type, p, got.Length, g);
            AssertBitsEqual(want, got, $"{type} extreme={extreme}");
            if (extreme) Assert.Contains(got, v => float.IsFinite(v) && Math.Abs(v) > 4e5f);
        }
    }

    [Theory, MemberData(nameof(Types))]
    public void ReferenceFollowsTheGgmlLayout(WeightType type)
    {
        // One hand-built block per type: all quants at their largest value, scale 2.
        int bb = QuantizedLayout.BlockBytes(type), be = QuantizedLayout.BlockElements(type);
        var block = new byte[bb];
        ushort two = BitConverter.HalfToUInt16Bits((Half)2f), one = BitConverter.HalfToUInt16Bits((Half)1f);
        float expected;
        switch (type)
        {
            case WeightType.Q8_0:
                block[0] = (byte)two; block[1] = (byte)(two >> 8);
                for (int i = 2; i < bb; i++) block[i] = 127;
                expected = 254f; break;
            case WeightType.Q4_0:
                block[0] = (byte)two; block[1] = (byte)(two >> 8);
                for (int i = 2; i < bb; i++) block[i] = 0xFF;
                expected = (15 - 8) * 2f; break;
            case WeightType.Q4_K:
                block[0] = (byte)two; block[1] = (byte)(two >> 8); block[2] = (byte)one; block[3] = (byte)(one >> 8);
                // scale 3, min 1 for every sub-block: j<4 low 6 bits; j>=4 nibbles of bytes 8..11, high bits 0.
                for (int j = 0; j < 4; j++) { block[4 + j] = 3; block[8 + j] = 1; block[12 + j] = 0x13; }
                for (int i = 16; i < bb; i++) block[i] = 0xFF;
                expected = 2f * 3 * 15 - 1f; break;
            default:
                for (int i = 0; i < 192; i++) block[i] = 0xFF;
                for (int i = 192; i < 208; i++) block[i] = 2;
                block[208] = (byte)two; block[209] = (byte)(two >> 8);
                expected = 2f * 2 * 31; break;
        }
        var y = new float[be];
        fixed (byte* p = block) DequantizeReference.Block(type, p, y);
        Assert.All(y, v => Assert.Equal(expected, v));
    }

    public static IEnumerable<object[]> LevelsAndTypes()
    {
        foreach (var level in MatMulTests.Levels())
            foreach (var t in QuantizedBlocksData.BlockTypes)
                yield return [level, t];
    }

    [Theory, MemberData(nameof(LevelsAndTypes))]
    public void QuantizedProductEqualsF32KernelOnDequantizedWeights(SimdLevel level, WeightType type)
    {
        int be = QuantizedLayout.BlockElements(type);
        int n = 37, k = 2 * be, m = 9;
        var data = QuantizedBlocksData.Random(type, n * k / be, 5 + (int)type);
        var rowMap = Enumerable.Range(0, n).Reverse().ToArray();
        foreach (var map in new[] { null, rowMap })
        {
            var dense = QuantizedBlocksData.ReferenceMatrix(type, data, n, k, map);
            var x = MatMulTests.Random(m * k, 3);
            var want = new float[m * n];
            fixed (float* d = dense) MatMul.Multiply(x, m, new WeightMatrix(d, WeightType.F32, n, k), want, false, level, 1);
            foreach (int threads in new[] { 1, 2 })
            {
                var got = new float[m * n];
                fixed (byte* p = data) MatMul.Multiply(x, m, new WeightMatrix(p, type, n, k, map), got, false, level, threads);
                AssertBitsEqual(want, got, $"{type} {level} threads={threads} map={map is not null}");
            }
            // A row alone gives exactly the row of the batch.
            var single = new float[n];
            fixed (byte* p = data) MatMul.Multiply(x.AsSpan(4 * k, k), 1, new WeightMatrix(p, type, n, k, map), single, false, level, 2);
            AssertBitsEqual(want.AsSpan(4 * n, n).ToArray(), single, "single row");
        }
    }

    [Theory, MemberData(nameof(MatMulTests.LevelsAndTypes), MemberType = typeof(MatMulTests))]
    public void RowMappedFloatMatrixEqualsPermutedCopy(SimdLevel level, WeightType type)
    {
        int n = 13, k = 40, m = 5;
        int es = type == WeightType.F32 ? 4 : 2;
        var raw = new byte[n * k * es];
        new Random(9).NextBytes(raw);
        for (int i = 0; i < n * k; i++) // keep values finite: clear the top exponent bit
            raw[i * es + es - 1] &= 0xBF;
        var map = Enumerable.Range(0, n).Select(i => (i * 5) % n).ToArray();
        var permuted = new byte[raw.Length];
        for (int i = 0; i < n; i++) Array.Copy(raw, map[i] * k * es, permuted, i * k * es, k * es);
        var x = MatMulTests.Random(m * k, 8);
        var want = new float[m * n];
        var got = new float[m * n];
        fixed (byte* p = permuted) MatMul.Multiply(x, m, new WeightMatrix(p, type, n, k), want, false, level, 1);
        fixed (byte* p = raw) MatMul.Multiply(x, m, new WeightMatrix(p, type, n, k, map), got, false, level, 2);
        AssertBitsEqual(want, got, $"{type} {level}");
    }
}

public unsafe class HalfConversionTests
{
    [Fact]
    public void FastHalfEqualsHalfConversionForEveryNonNaNValue()
    {
        for (int h = 0; h < 65536; h++)
        {
            var half = BitConverter.UInt16BitsToHalf((ushort)h);
            if (Half.IsNaN(half)) continue;
            ushort bits = (ushort)h;
            float got = DequantizeRows.Half((byte*)&bits);
            Assert.Equal(BitConverter.SingleToUInt32Bits((float)half), BitConverter.SingleToUInt32Bits(got));
        }
    }
}
