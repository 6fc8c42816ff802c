namespace RelationNeurons.Inference;

/// <summary>Which positions get logits from a forward pass.</summary>
public enum LogitsSelection
{
    /// <summary>No LM head at all (activation recording).</summary>
    None,
    /// <summary>The last position of each prompt: [vocab] per prompt.</summary>
    LastPosition,
    /// <summary>Every position: [positions × vocab] per prompt.</summary>
    AllPositions,
}

/// <summary>Logits of a batched forward pass, per prompt in the caller's order.</summary>
public sealed class ForwardResult
{
    private readonly float[][] _logits;

    internal ForwardResult(int vocabSize, LogitsSelection selection, float[][] logits)
    {
        VocabSize = vocabSize; Selection = selection; _logits = logits;
    }

    public int VocabSize { get; }
    public LogitsSelection Selection { get; }
    public int Count => _logits.Length;

    /// <summary>The raw array of prompt <paramref name="sequence"/>: [vocab] or [positions × vocab].</summary>
    public float[] Logits(int sequence) => _logits[sequence];

    /// <summary>The logits after the last token of prompt <paramref name="sequence"/>.</summary>
    public ReadOnlySpan<float> LastLogits(int sequence)
    {
        if (Selection == LogitsSelection.None) throw new InvalidOperationException("the forward pass was run without logits");
        var all = _logits[sequence];
        return all.AsSpan(all.Length - VocabSize, VocabSize);
    }

    /// <summary>The logits at one position (needs <see cref="LogitsSelection.AllPositions"/>).</summary>
    public ReadOnlySpan<float> LogitsAt(int sequence, int position)
    {
        if (Selection != LogitsSelection.AllPositions) throw new InvalidOperationException("per-position logits need LogitsSelection.AllPositions");
        return _logits[sequence].AsSpan(position * VocabSize, VocabSize);
    }
}
