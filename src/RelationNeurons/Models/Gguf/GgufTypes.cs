using RelationNeurons.Tensors;

namespace RelationNeurons.Models.Gguf;

/// <summary>Metadata value types of the GGUF format (numbers as in the file).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
}

/// <summary>ggml tensor types (numbers as in ggml.h). Only those with a known block size are listed.</summary>
public enum GgmlType : uint
{
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, BF16 = 30,
}

/// <summary>Block sizes of the ggml types (ggml-common.h) and their mapping to engine weight types.</summary>
public static class GgmlTypes
{
    /// <summary>(elements per block, bytes per block), or null for a type id this reader does not know.</summary>
    public static (int Elements, int Bytes)? Block(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 or GgmlType.BF16 => (1, 2),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q8_1 => (32, 36),
        GgmlType.Q2_K => (256, 84),
        GgmlType.Q3_K => (256, 110),
        GgmlType.Q4_K => (256, 144),
        GgmlType.Q5_K => (256, 176),
        GgmlType.Q6_K => (256, 210),
        GgmlType.Q8_K => (256, 292),
        GgmlType.I8 => (1, 1),
        GgmlType.I16 => (1, 2),
        GgmlType.I32 => (1, 4),
        GgmlType.I64 or GgmlType.F64 => (1, 8),
        _ => null,
    };

    /// <summary>The engine's weight type for a ggml type the matrix kernels can run, else null.</summary>
    public static WeightType? ToWeightType(GgmlType type) => type switch
    {
        GgmlType.F32 => WeightType.F32,
        GgmlType.F16 => WeightType.F16,
        GgmlType.BF16 => WeightType.BF16,
        GgmlType.Q8_0 => WeightType.Q8_0,
        GgmlType.Q4_0 => WeightType.Q4_0,
        GgmlType.Q4_K => WeightType.Q4_K,
        GgmlType.Q6_K => WeightType.Q6_K,
        _ => null,
    };

    public static GgmlType FromWeightType(WeightType type) => type switch
    {
        WeightType.F32 => GgmlType.F32,
        WeightType.F16 => GgmlType.F16,
        WeightType.BF16 => GgmlType.BF16,
        WeightType.Q8_0 => GgmlType.Q8_0,
        WeightType.Q4_0 => GgmlType.Q4_0,
        WeightType.Q4_K => GgmlType.Q4_K,
        WeightType.Q6_K => GgmlType.Q6_K,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}

/// <summary>One metadata value: a scalar (boxed .NET value), a string, or a <see cref="GgufArray"/>.</summary>
public sealed record GgufValue(GgufValueType Type, object Value);

/// <summary>An array value: element type and a typed .NET array (string[], int[], float[], ...; nested arrays as GgufArray[]).</summary>
public sealed record GgufArray(GgufValueType ElementType, Array Values);

/// <summary>Where one tensor's bytes are: dims innermost-first as in the file (Dims[0] = columns).</summary>
public sealed record GgufTensorInfo(string Name, long[] Dims, GgmlType Type, long Offset, long ByteLength)
{
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);
}
