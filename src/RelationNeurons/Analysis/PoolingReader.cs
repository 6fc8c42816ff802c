using System.Numerics;
using RelationNeurons.Hooks;
using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Analysis;

/// <summary>
/// Reduces one tap's [tokens × width] rows to one row per prompt as the forward pass produces
/// them, so nothing larger than the engine's own step buffer is ever held. Prompt
/// <c>BatchLayout.SequenceIndex(s)</c> lands in row of <see cref="Output"/> [prompts × width].
/// Meant for prefill-only forward passes, where every prompt arrives whole in one step, or as a
/// shared prefix step followed by its own tokens: the prefix's rows are folded first and each
/// prompt continues from that state, adding its rows in the same order as for the whole prompt,
/// so the result is bit-identical.
/// </summary>
public sealed class PoolingReader : ISharedPrefixReader
{
    private readonly Pooling _pooling;
    private readonly int _width;
    private bool[] _skipFirst = [];
    private float[] _prefixState = [];
    private int _prefixLength = -1;

    public float[] Output { get; private set; } = [];

    public PoolingReader(Pooling pooling, int width)
    {
        _pooling = pooling;
        _width = width;
    }

    /// <summary>
    /// Prepares for a batch: one output row per prompt; <paramref name="startsWithBos"/> says which
    /// prompts have a BOS to leave out under <see cref="Pooling.MeanExcludingBos"/>.
    /// </summary>
    public void Reset(int prompts, IReadOnlyList<bool> startsWithBos)
    {
        if (Output.Length != prompts * _width) Output = new float[prompts * _width];
        if (_skipFirst.Length != prompts) _skipFirst = new bool[prompts];
        for (int i = 0; i < prompts; i++) _skipFirst[i] = startsWithBos[i];
        _prefixLength = -1;
    }

    public void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch)
    {
        if (width != _width) throw new InvalidOperationException($"{hook}: width {width}, reader made for {_width}");
        if (!batch.IsPrefill) throw new InvalidOperationException("pooled recording reads prefill steps only");
        if (batch.IsSharedPrefix)
        {
            _prefixLength = batch.RowCountOf(0);
            if (_prefixState.Length != width) _prefixState = new float[width];
            // Whether the prefix starts with BOS is the same for every prompt that shares it; the state is a running fold, not yet scaled.
            bool skip = _skipFirst[batch.SequenceIndex(0)];
            // Every prompt that shares a prefix has more rows than it, so the prefix is never a prompt's only (BOS) row.
            Fold(values.Slice(batch.RowStart(0) * width, _prefixLength * width), 0, _prefixLength, width, _pooling,
                FirstCounted(_prefixLength + 1, _pooling, skip), _prefixState);
            return;
        }
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            int seq = batch.SequenceIndex(s);
            int rows = batch.RowCountOf(s), past = batch.PastLength(s);
            var prompt = values.Slice(batch.RowStart(s) * width, rows * width);
            var destination = Output.AsSpan(seq * width, width);
            if (past == 0)
            {
                Pool(prompt, rows, width, _pooling, _skipFirst[seq], destination);
                continue;
            }
            if (past != _prefixLength) throw new InvalidOperationException($"{hook}: a prompt continues after {past} tokens but the shared prefix had {_prefixLength}");
            _prefixState.CopyTo(destination);
            Fold(prompt, past, rows, width, _pooling, FirstCounted(past + rows, _pooling, _skipFirst[seq]), destination);
            Finish(past + rows, _pooling, _skipFirst[seq], destination);
        }
    }

    /// <summary>Pools the rows of one prompt into <paramref name="destination"/>.</summary>
    public static void Pool(ReadOnlySpan<float> rowsOfPrompt, int rows, int width, Pooling pooling, bool startsWithBos, Span<float> destination)
    {
        Fold(rowsOfPrompt, 0, rows, width, pooling, FirstCounted(rows, pooling, startsWithBos), destination);
        Finish(rows, pooling, startsWithBos, destination);
    }

    /// <summary>First position that mean pooling counts (a prompt that is only BOS keeps it: an empty mean has no value).</summary>
    private static int FirstCounted(int totalRows, Pooling pooling, bool startsWithBos) =>
        pooling == Pooling.MeanExcludingBos && startsWithBos && totalRows > 1 ? 1 : 0;

    /// <summary>
    /// Folds rows at positions <paramref name="position"/>.. into the running state: for the mean,
    /// the row at <paramref name="firstCounted"/> is copied and later rows added one by one, in position order.
    /// </summary>
    private static void Fold(ReadOnlySpan<float> rowsOfPrompt, int position, int rows, int width, Pooling pooling, int firstCounted, Span<float> state)
    {
        switch (pooling)
        {
            case Pooling.Mean:
            case Pooling.MeanExcludingBos:
            {
                for (int r = 0; r < rows; r++)
                {
                    int at = position + r;
                    if (at < firstCounted) continue;
                    var row = rowsOfPrompt.Slice(r * width, width);
                    if (at == firstCounted) row.CopyTo(state);
                    else VectorOps.Add(state, row, state);
                }
                break;
            }
            case Pooling.Max:
                for (int r = 0; r < rows; r++)
                {
                    var row = rowsOfPrompt.Slice(r * width, width);
                    if (position + r == 0) row.CopyTo(state);
                    else Max(state, row);
                }
                break;
            case Pooling.Last:
                rowsOfPrompt.Slice((rows - 1) * width, width).CopyTo(state);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling));
        }
    }

    /// <summary>Turns the folded sum of a whole prompt of <paramref name="totalRows"/> rows into its mean.</summary>
    private static void Finish(int totalRows, Pooling pooling, bool startsWithBos, Span<float> state)
    {
        if (pooling is not (Pooling.Mean or Pooling.MeanExcludingBos)) return;
        int counted = totalRows - FirstCounted(totalRows, pooling, startsWithBos);
        if (counted > 1) VectorOps.Scale(state, 1f / counted);
    }

    private static void Max(Span<float> accumulator, ReadOnlySpan<float> row)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= row.Length; i += Vector<float>.Count)
            Vector.Max(new Vector<float>(accumulator[i..]), new Vector<float>(row[i..])).CopyTo(accumulator[i..]);
        for (; i < row.Length; i++) accumulator[i] = MathF.Max(accumulator[i], row[i]);
    }
}
