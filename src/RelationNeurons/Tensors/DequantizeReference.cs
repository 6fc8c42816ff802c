namespace RelationNeurons.Tensors;

/// <summary>
/// Plain scalar dequantization of ggml blocks, transcribed from ggml-quants.c
/// (dequantize_row_q8_0 / q4_0 / q4_K / q6_K) with the same float operations in the same order:
/// the oracle the vectorised <see cref="DequantizeRows"/> must equal bit for bit.
/// </summary>
public static unsafe class DequantizeReference
{
    /// <summary>Dequantizes one block at <paramref name="block"/> into <paramref name="y"/> (BlockElements values).</summary>
    public static void Block(WeightType type, byte* block, Span<float> y)
    {
        switch (type)
        {
            case WeightType.Q8_0: Q8_0(block, y); break;
            case WeightType.Q4_0: Q4_0(block, y); break;
            case WeightType.Q4_K: Q4_K(block, y); break;
            case WeightType.Q6_K: Q6_K(block, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a block type");
        }
    }

    /// <summary>Dequantizes a whole stored row of <paramref name="cols"/> elements.</summary>
    public static void Row(WeightType type, byte* row, int cols, Span<float> y)
    {
        int be = QuantizedLayout.BlockElements(type), bb = QuantizedLayout.BlockBytes(type);
        for (int b = 0; b < cols / be; b++) Block(type, row + (long)b * bb, y.Slice(b * be, be));
    }

    /// <summary>One element of a stored row (dequantizes its block).</summary>
    public static float Element(WeightType type, byte* row, int col)
    {
        int be = QuantizedLayout.BlockElements(type);
        Span<float> y = stackalloc float[be];
        Block(type, row + (long)(col / be) * QuantizedLayout.BlockBytes(type), y);
        return y[col % be];
    }

    private static float Half(byte* p) => (float)BitConverter.UInt16BitsToHalf((ushort)(p[0] | p[1] << 8));

    private static void Q8_0(byte* b, Span<float> y)
    {
        float d = Half(b);
        sbyte* qs = (sbyte*)(b + 2);
        for (int j = 0; j < 32; j++) y[j] = qs[j] * d;
    }

    private static void Q4_0(byte* b, Span<float> y)
    {
        float d = Half(b);
        byte* qs = b + 2;
        for (int j = 0; j < 16; j++)
        {
            int x0 = (qs[j] & 0x0F) - 8, x1 = (qs[j] >> 4) - 8;
            y[j] = x0 * d;
            y[j + 16] = x1 * d;
        }
    }

    /// <summary>The 6-bit scale and min of sub-block j (ggml's get_scale_min_k4).</summary>
    internal static (int Scale, int Min) ScaleMinK4(int j, byte* q) => j < 4
        ? (q[j] & 63, q[j + 4] & 63)
        : ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));

    private static void Q4_K(byte* b, Span<float> y)
    {
        float d = Half(b), min = Half(b + 2);
        byte* scales = b + 4, q = b + 16;
        int o = 0;
        for (int j = 0, sub = 0; j < 256; j += 64, sub += 2)
        {
            var (sc1, m1i) = ScaleMinK4(sub, scales);
            float d1 = d * sc1, m1 = min * m1i;
            var (sc2, m2i) = ScaleMinK4(sub + 1, scales);
            float d2 = d * sc2, m2 = min * m2i;
            // Product then difference, never fused (ggml's reference C is compiled without contraction).
            for (int l = 0; l < 32; l++) { float t = d1 * (q[l] & 0xF); y[o++] = t - m1; }
            for (int l = 0; l < 32; l++) { float t = d2 * (q[l] >> 4); y[o++] = t - m2; }
            q += 32;
        }
    }

    private static void Q6_K(byte* b, Span<float> y)
    {
        byte* ql = b, qh = b + 128;
        sbyte* sc = (sbyte*)(b + 192);
        float d = Half(b + 208);
        for (int n = 0; n < 256; n += 128)
        {
            for (int l = 0; l < 32; l++)
            {
                int s = l / 16;
                int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[n + l] = d * sc[s] * q1;
                y[n + l + 32] = d * sc[s + 2] * q2;
                y[n + l + 64] = d * sc[s + 4] * q3;
                y[n + l + 96] = d * sc[s + 6] * q4;
            }
            ql += 64; qh += 32; sc += 8;
        }
    }
}
