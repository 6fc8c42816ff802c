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
        SafetensorsDtype.F32 => new F32Source((float*)data, rows, columns),
        SafetensorsDtype.F16 => new F16Source((Half*)data, rows, columns),
        SafetensorsDtype.BF16 => new BF16Source((ushort*)data, rows, columns),
        _ => throw new UserInputException($"activations of dtype {dtype} cannot be scored; expected F32, F16 or BF16"),
    };

    private sealed class F32Source(float* data, int rows, int columns) : ColumnSource(rows, columns)
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            fixed (float* dst = destination)
            {
                for (int r = 0; r < Rows; r++)
                {
                    float* row = data + (long)r * Columns + first;
                    if (r + PrefetchRows < Rows) Prefetch(row + (long)PrefetchRows * Columns, count * sizeof(float));
                    float* d = dst + r;
                    for (int c = 0; c < count; c++) d[(long)c * Rows] = row[c];
                }
            }
        }
    }

    private sealed class F16Source(Half* data, int rows, int columns) : ColumnSource(rows, columns)
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            fixed (float* dst = destination)
            {
                for (int r = 0; r < Rows; r++)
                {
                    Half* row = data + (long)r * Columns + first;
                    if (r + PrefetchRows < Rows) Prefetch(row + (long)PrefetchRows * Columns, count * sizeof(Half));
                    float* d = dst + r;
                    for (int c = 0; c < count; c++) d[(long)c * Rows] = (float)row[c];
                }
            }
        }
    }

    private sealed class BF16Source(ushort* data, int rows, int columns) : ColumnSource(rows, columns)
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            fixed (float* dst = destination)
            {
                for (int r = 0; r < Rows; r++)
                {
                    ushort* row = data + (long)r * Columns + first;
                    if (r + PrefetchRows < Rows) Prefetch(row + (long)PrefetchRows * Columns, count * sizeof(ushort));
                    float* d = dst + r;
                    for (int c = 0; c < count; c++) d[(long)c * Rows] = BFloat16.ToSingle(row[c]);
                }
            }
        }
    }
}
