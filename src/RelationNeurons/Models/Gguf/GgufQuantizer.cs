using System.Buffers.Binary;

namespace RelationNeurons.Models.Gguf;

/// <summary>Encoders of float32 rows into the types the exporter writes (ggml's reference quantizers).</summary>
public static class GgufQuantizer
{
    /// <summary>Bytes of a row of <paramref name="cols"/> elements in <paramref name="type"/> (F32, F16 or Q8_0).</summary>
    public static int RowBytes(GgmlType type, int cols) => type switch
    {
        GgmlType.F32 => cols * 4,
        GgmlType.F16 => cols * 2,
        GgmlType.Q8_0 => cols / 32 * 34,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "the exporter writes F32, F16 and Q8_0"),
    };

    public static void EncodeRow(GgmlType type, ReadOnlySpan<float> x, Span<byte> output)
    {
        switch (type)
        {
            case GgmlType.F32:
                for (int i = 0; i < x.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(output[(i * 4)..], x[i]);
                break;
            case GgmlType.F16:
                for (int i = 0; i < x.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(output[(i * 2)..], (Half)x[i]);
                break;
            case GgmlType.Q8_0:
                for (int b = 0; b < x.Length / 32; b++) Q8_0Block(x.Slice(b * 32, 32), output.Slice(b * 34, 34));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "the exporter writes F32, F16 and Q8_0");
        }
    }

    /// <summary>ggml's quantize_row_q8_0_ref: d = max|x| / 127 (stored as half), q = round-half-away(x / d).</summary>
    public static void Q8_0Block(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0f;
        foreach (float v in x) amax = Math.Max(amax, Math.Abs(v));
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
        for (int j = 0; j < 32; j++) block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
    }
}
