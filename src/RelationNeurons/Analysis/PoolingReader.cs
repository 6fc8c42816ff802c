using System.Numerics;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Analysis;

/// <summary>
/// Reduces one tap's [tokens × width] rows to one row per prompt as the forward pass produces
/// them, so nothing larger than the engine's own step buffer is ever held. Prompt
/// <c>BatchLayout.SequenceIndex(s)</c> lands in row of <see cref="Output"/> [prompts × width].
/// Meant for prefill-only forward passes, where every prompt arrives whole in one step.
/// </summary>
public sealed class PoolingReader : IActivationReader
{
    private readonly Pooling _pooling;
    private readonly int _width;
    private bool[] _skipFirst = [];

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
    }

    public void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch)
    {
        if (width != _width) throw new InvalidOperationException($"{hook}: width {width}, reader made for {_width}");
        if (!batch.IsPrefill) throw new InvalidOperationException("pooled recording reads prefill steps only");
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            int seq = batch.SequenceIndex(s);
            int rows = batch.RowCountOf(s);
            var prompt = values.Slice(batch.RowStart(s) * width, rows * width);
            Pool(prompt, rows, width, _pooling, _skipFirst[seq], Output.AsSpan(seq * width, width));
        }
    }

    /// <summary>Pools the rows of one prompt into <paramref name="destination"/>.</summary>
    public static void Pool(ReadOnlySpan<float> rowsOfPrompt, int rows, int width, Pooling pooling, bool startsWithBos, Span<float> destination)
    {
        switch (pooling)
        {
            case Pooling.Mean:
            case Pooling.MeanExcludingBos:
            {
                // A prompt that is only BOS keeps it: an empty mean has no value.
                int first = pooling == Pooling.MeanExcludingBos && startsWithBos && rows > 1 ? 1 : 0;
                rowsOfPrompt.Slice(first * width, width).CopyTo(destination);
                for (int r = first + 1; r < rows; r++) VectorOps.Add(destination, rowsOfPrompt.Slice(r * width, width), destination);
                if (rows - first > 1) VectorOps.Scale(destination, 1f / (rows - first));
                break;
            }
            case Pooling.Max:
                rowsOfPrompt[..width].CopyTo(destination);
                for (int r = 1; r < rows; r++) Max(destination, rowsOfPrompt.Slice(r * width, width));
                break;
            case Pooling.Last:
                rowsOfPrompt.Slice((rows - 1) * width, width).CopyTo(destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling));
        }
    }

    private static void Max(Span<float> accumulator, ReadOnlySpan<float> row)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= row.Length; i += Vector<float>.Count)
            Vector.Max(new Vector<float>(accumulator[i..]), new Vector<float>(row[i..])).CopyTo(accumulator[i..]);
        for (; i < row.Length; i++) accumulator[i] = MathF.Max(accumulator[i], row[i]);
    }
}
