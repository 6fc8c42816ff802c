using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Analysis;

/// <summary>
/// A row-major matrix [rows × columns] (prompts × units) read column-block by column-block: the
/// scorer needs one unit's values over all prompts contiguous, the record stores one prompt's
/// values over all units contiguous.
/// </summary>
internal abstract unsafe class ColumnSource
{
    public int Rows { get; }
    public int Columns { get; }

    protected ColumnSource(int rows, int columns) { Rows = rows; Columns = columns; }

    /// <summary>Writes columns [first, first+count) to <paramref name="destination"/> as [count × Rows].</summary>
    public abstract void Gather(int first, int count, Span<float> destination);

    /// <summary>
    /// Rows are far apart (a row is the whole width), so the hardware prefetcher does not see the
    /// stride; asking for the row a few ahead keeps the gather from waiting on memory every row.
    /// </summary>
    private const int PrefetchRows = 8;

    protected static void Prefetch(void* address, int bytes)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        for (int offset = 0; offset < bytes; offset += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0((byte*)address + offset);
    }

    public static ColumnSource FromPointer(void* data, SafetensorsDtype dtype, int rows, int columns) => dtype switch
    {
        SafetensorsDtype.F32 => new Source<float, FromF32>((float*)data, rows, columns),
        SafetensorsDtype.F16 => new Source<Half, FromF16>((Half*)data, rows, columns),
        SafetensorsDtype.BF16 => new Source<ushort, FromBF16>((ushort*)data, rows, columns),
        _ => throw new UserInputException($"activations of dtype {dtype} cannot be scored; expected F32, F16 or BF16"),
    };

    /// <summary>Widens one stored element to float32 (a struct, so the gather loop is specialised per type).</summary>
    private interface IWiden<T> where T : unmanaged { static abstract float Widen(T value); }
    private readonly struct FromF32 : IWiden<float> { public static float Widen(float value) => value; }
    private readonly struct FromF16 : IWiden<Half> { public static float Widen(Half value) => (float)value; }
    private readonly struct FromBF16 : IWiden<ushort> { public static float Widen(ushort value) => BFloat16.ToSingle(value); }

    private sealed class Source<T, TWiden>(T* data, int rows, int columns) : ColumnSource(rows, columns)
        where T : unmanaged where TWiden : struct, IWiden<T>
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            fixed (float* dst = destination)
            {
                for (int r = 0; r < Rows; r++)
                {
                    T* row = data + (long)r * Columns + first;
                    if (r + PrefetchRows < Rows) Prefetch(row + (long)PrefetchRows * Columns, count * sizeof(T));
                    float* d = dst + r;
                    for (int c = 0; c < count; c++) d[(long)c * Rows] = TWiden.Widen(row[c]);
                }
            }
        }
    }

    /// <summary>The same matrix restricted to <paramref name="rows"/> (ascending prompt indices), in that order.</summary>
    public ColumnSource Subset(int[] rows) => new RowSubset(this, rows);

    private sealed class RowSubset(ColumnSource inner, int[] rows) : ColumnSource(rows.Length, inner.Columns)
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            float[] all = System.Buffers.ArrayPool<float>.Shared.Rent(count * inner.Rows);
            try
            {
                inner.Gather(first, count, all.AsSpan(0, count * inner.Rows));
                for (int c = 0; c < count; c++)
                {
                    var from = all.AsSpan(c * inner.Rows, inner.Rows);
                    var to = destination.Slice(c * rows.Length, rows.Length);
                    for (int r = 0; r < rows.Length; r++) to[r] = from[rows[r]];
                }
            }
            finally { System.Buffers.ArrayPool<float>.Shared.Return(all); }
        }
    }
}
