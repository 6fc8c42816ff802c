using RelationNeurons.Tensors;

namespace RelationNeurons.Inference;

/// <summary>Reads single rows of a stored weight matrix as float32 (embedding lookups).</summary>
internal static unsafe class WeightRows
{
    public static void Widen(in WeightMatrix m, int row, Span<float> destination)
    {
        if (m.NeedsRowDecode)
        {
            DequantizeRows.Row(m, row, destination);
            return;
        }
        int cols = m.Cols;
        long offset = (long)row * cols;
        switch (m.Type)
        {
            case WeightType.F32:
                new ReadOnlySpan<float>((float*)m.Data + offset, cols).CopyTo(destination);
                break;
            case WeightType.F16:
                var halves = new ReadOnlySpan<Half>((Half*)m.Data + offset, cols);
                for (int i = 0; i < cols; i++) destination[i] = (float)halves[i];
                break;
            default:
                var bf = new ReadOnlySpan<ushort>((ushort*)m.Data + offset, cols);
                for (int i = 0; i < cols; i++) destination[i] = BitConverter.UInt32BitsToSingle((uint)bf[i] << 16);
                break;
        }
    }
}
