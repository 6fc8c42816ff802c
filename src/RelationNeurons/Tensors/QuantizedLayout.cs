namespace RelationNeurons.Tensors;

/// <summary>
/// Block geometry of the ggml types (ggml-common.h): every row of a quantized matrix is a run of
/// whole blocks, each covering <see cref="BlockElements"/> consecutive columns.
/// <list type="bullet">
/// <item>Q8_0: 32 elements, 34 bytes {half d; int8 qs[32]}.</item>
/// <item>Q4_0: 32 elements, 18 bytes {half d; uint8 qs[16]} (low nibbles = elements 0-15, high = 16-31).</item>
/// <item>Q4_K: 256 elements, 144 bytes {half d; half dmin; uint8 scales[12]; uint8 qs[128]}.</item>
/// <item>Q6_K: 256 elements, 210 bytes {uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d}.</item>
/// </list>
/// </summary>
public static class QuantizedLayout
{
    public static bool IsQuantized(WeightType type) => type is WeightType.Q8_0 or WeightType.Q4_0 or WeightType.Q4_K or WeightType.Q6_K;

    /// <summary>Elements per block (1 for the plain float types).</summary>
    public static int BlockElements(WeightType type) => type switch
    {
        WeightType.Q8_0 or WeightType.Q4_0 => 32,
        WeightType.Q4_K or WeightType.Q6_K => 256,
        _ => 1,
    };

    /// <summary>Bytes per block (the element size for the plain float types).</summary>
    public static int BlockBytes(WeightType type) => type switch
    {
        WeightType.F32 => 4,
        WeightType.F16 or WeightType.BF16 => 2,
        WeightType.Q8_0 => 34,
        WeightType.Q4_0 => 18,
        WeightType.Q4_K => 144,
        WeightType.Q6_K => 210,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Bytes of a row of <paramref name="cols"/> elements (cols must be whole blocks).</summary>
    public static long RowBytes(WeightType type, long cols) => cols / BlockElements(type) * BlockBytes(type);
}
