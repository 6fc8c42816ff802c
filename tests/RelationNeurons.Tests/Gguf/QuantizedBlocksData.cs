using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Gguf;

/// <summary>Random ggml blocks: random quant bytes, with the half-precision scales set on purpose.</summary>
internal static class QuantizedBlocksData
{
    public static readonly WeightType[] BlockTypes = [WeightType.Q8_0, WeightType.Q4_0, WeightType.Q4_K, WeightType.Q6_K];

    /// <summary>Byte offsets of the half-precision scale fields inside one block.</summary>
    public static int[] HalfFields(WeightType type) => type switch
    {
        WeightType.Q4_K => [0, 2],
        WeightType.Q6_K => [208],
        _ => [0],
    };

    /// <summary>Finite extremes and edge cases for the scales: largest half, smallest subnormal, zeros, ±1.</summary>
    public static readonly Half[] ExtremeScales =
        [Half.MaxValue, Half.MinValue, Half.Epsilon, -Half.Epsilon, (Half)0f, Half.NegativeZero, (Half)1f, (Half)(-1f), (Half)6.1035e-5f];

    /// <summary>
    /// <paramref name="blocks"/> blocks of random bytes; scales cycle through <see cref="ExtremeScales"/>
    /// (when <paramref name="extreme"/>), else are random values in ±<paramref name="scaleRange"/>.
    /// </summary>
    public static byte[] Random(WeightType type, int blocks, int seed, bool extreme = false, float scaleRange = 0.05f)
    {
        var r = new Random(seed);
        int bb = QuantizedLayout.BlockBytes(type);
        var data = new byte[blocks * bb];
        r.NextBytes(data);
        int e = 0;
        for (int b = 0; b < blocks; b++)
            foreach (int off in HalfFields(type))
            {
                Half h = extreme ? ExtremeScales[e++ % ExtremeScales.Length] : (Half)((r.NextDouble() * 2 - 1) * scaleRange);
                ushort bits = BitConverter.HalfToUInt16Bits(h);
                data[b * bb + off] = (byte)bits;
                data[b * bb + off + 1] = (byte)(bits >> 8);
            }
        return data;
    }

    /// <summary>Every element of a quantized matrix through the scalar reference, row-major [rows × cols].</summary>
    public static unsafe float[] ReferenceMatrix(WeightType type, byte[] data, int rows, int cols, int[]? rowMap = null)
    {
        var result = new float[rows * cols];
        long rowBytes = QuantizedLayout.RowBytes(type, cols);
        fixed (byte* p = data)
            for (int i = 0; i < rows; i++)
                DequantizeReference.Row(type, p + (rowMap?[i] ?? i) * rowBytes, cols, result.AsSpan(i * cols, cols));
        return result;
    }
}
