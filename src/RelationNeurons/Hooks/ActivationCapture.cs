
namespace RelationNeurons.Hooks;

/// <summary>
/// A reader that keeps every row it sees, per caller sequence index, in position order
/// (prompt rows, then one row per generated token that was fed back). Meant for inspection and
/// tests; pooled statistics over large runs should use a reader that reduces as it goes.
/// </summary>
public sealed class ActivationCapture : IActivationReader
{
    private readonly Dictionary<int, List<float>> _rows = [];

    public int Width { get; private set; }

    public void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch)
    {
        Width = width;
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            int seq = batch.SequenceIndex(s);
            if (!_rows.TryGetValue(seq, out var list)) _rows[seq] = list = [];
            list.AddRange(values.Slice(batch.RowStart(s) * width, batch.RowCountOf(s) * width));
        }
    }

    public IEnumerable<int> Sequences => _rows.Keys.Order();

    /// <summary>All captured rows of a sequence: [positions × Width], row-major.</summary>
    public float[] Get(int sequenceIndex) =>
        _rows.TryGetValue(sequenceIndex, out var list) ? list.ToArray() : [];

    /// <summary>One position's row of a sequence.</summary>
    public float[] Row(int sequenceIndex, int position) =>
        _rows[sequenceIndex].GetRange(position * Width, Width).ToArray();

    public int Positions(int sequenceIndex) => _rows.TryGetValue(sequenceIndex, out var list) && Width > 0 ? list.Count / Width : 0;
}
