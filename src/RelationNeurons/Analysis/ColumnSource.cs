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
            for (int r = 0; r < Rows; r++)
            {
                float* row = data + (long)r * Columns + first;
                for (int c = 0; c < count; c++) destination[c * Rows + r] = row[c];
            }
        }
    }

    private sealed class F16Source(Half* data, int rows, int columns) : ColumnSource(rows, columns)
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            for (int r = 0; r < Rows; r++)
            {
                Half* row = data + (long)r * Columns + first;
                for (int c = 0; c < count; c++) destination[c * Rows + r] = (float)row[c];
            }
        }
    }

    private sealed class BF16Source(ushort* data, int rows, int columns) : ColumnSource(rows, columns)
    {
        public override void Gather(int first, int count, Span<float> destination)
        {
            for (int r = 0; r < Rows; r++)
            {
                ushort* row = data + (long)r * Columns + first;
                for (int c = 0; c < count; c++) destination[c * Rows + r] = BFloat16.ToSingle(row[c]);
            }
        }
    }
}
