namespace RelationNeurons.Inference.Kernels;

/// <summary>Storage type of a weight matrix as it sits in the (memory-mapped) checkpoint.</summary>
public enum WeightType { F32, F16, BF16 }

/// <summary>
/// A read-only weight matrix in its stored type: <c>Rows</c> = output features, <c>Cols</c> =
/// input features, row-major, exactly PyTorch's <c>nn.Linear.weight</c> layout. The memory is
/// owned elsewhere (a memory map or a pinned array) and must outlive this view.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    public readonly void* Data;
    public readonly WeightType Type;
    public readonly int Rows;
    public readonly int Cols;

    public WeightMatrix(void* data, WeightType type, int rows, int cols)
    {
        Data = data; Type = type; Rows = rows; Cols = cols;
    }

    public int ElementSize => Type == WeightType.F32 ? 4 : 2;

    /// <summary>Reads one element widened to float32 (scalar path; kernels widen whole vectors).</summary>
    public float this[int row, int col]
    {
        get
        {
            long i = (long)row * Cols + col;
            return Type switch
            {
                WeightType.F32 => ((float*)Data)[i],
                WeightType.F16 => (float)((Half*)Data)[i],
                _ => BitConverter.UInt32BitsToSingle((uint)((ushort*)Data)[i] << 16),
            };
        }
    }
}
