namespace RelationNeurons.Tensors;

/// <summary>
/// Storage type of a weight matrix as it sits in the (memory-mapped) checkpoint. The ggml block
/// types (GGUF files) hold each row as whole blocks; see <see cref="QuantizedLayout"/>.
/// </summary>
public enum WeightType { F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K }

/// <summary>
/// A read-only weight matrix in its stored type: <c>Rows</c> = output features, <c>Cols</c> =
/// input features, row-major, exactly PyTorch's <c>nn.Linear.weight</c> layout. The memory is
/// owned elsewhere (a memory map or a pinned array) and must outlive this view.
/// An optional <see cref="RowMap"/> says where logical row r is stored (GGUF's Q/K projections are
/// stored in llama.cpp's interleaved RoPE order); quantized or row-mapped matrices go through
/// <see cref="QuantizedMatMul"/>, which dequantizes a few rows at a time.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    public readonly void* Data;
    public readonly WeightType Type;
    public readonly int Rows;
    public readonly int Cols;
    /// <summary>Stored row index of each logical row, or null for the identity.</summary>
    public readonly int[]? RowMap;

    public WeightMatrix(void* data, WeightType type, int rows, int cols)
        : this(data, type, rows, cols, null) { }

    public WeightMatrix(void* data, WeightType type, int rows, int cols, int[]? rowMap)
    {
        if (rowMap is not null && rowMap.Length != rows) throw new ArgumentException("row map length must equal the row count", nameof(rowMap));
        if (QuantizedLayout.IsQuantized(type) && cols % QuantizedLayout.BlockElements(type) != 0)
            throw new ArgumentException($"{type} rows must be whole blocks of {QuantizedLayout.BlockElements(type)} elements; got {cols} columns", nameof(cols));
        Data = data; Type = type; Rows = rows; Cols = cols; RowMap = rowMap;
    }

    /// <summary>Bytes per element of a plain float type (quantized types have no element size; see <see cref="RowBytes"/>).</summary>
    public int ElementSize => Type == WeightType.F32 ? 4 : 2;

    /// <summary>Bytes of one stored row.</summary>
    public long RowBytes => QuantizedLayout.RowBytes(Type, Cols);

    /// <summary>Whether the plain strided kernels cannot read this matrix directly (quantized blocks or a row map).</summary>
    public bool NeedsRowDecode => RowMap is not null || QuantizedLayout.IsQuantized(Type);

    /// <summary>Start of the stored bytes of logical row <paramref name="row"/>.</summary>
    public byte* RowPointer(int row) => (byte*)Data + (RowMap is null ? row : RowMap[row]) * RowBytes;

    /// <summary>Reads one element widened to float32 (scalar path; kernels widen whole vectors).</summary>
    public float this[int row, int col]
    {
        get
        {
            byte* r = RowPointer(row);
            return Type switch
            {
                WeightType.F32 => ((float*)r)[col],
                WeightType.F16 => (float)((Half*)r)[col],
                WeightType.BF16 => BitConverter.UInt32BitsToSingle((uint)((ushort*)r)[col] << 16),
                _ => DequantizeReference.Element(Type, r, col),
            };
        }
    }
}
