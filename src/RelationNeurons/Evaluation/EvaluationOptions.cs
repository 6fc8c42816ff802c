using RelationNeurons.Method;

namespace RelationNeurons.Evaluation;

/// <summary>How test prompts are completed and scored (METHOD.md, "Evaluation").</summary>
public sealed record EvaluationOptions
{
    /// <summary>Most tokens generated per prompt (the paper's 2).</summary>
    public int MaxNewTokens { get; init; } = Protocol.Paper.MaxNewTokens;

    /// <summary>When a continuation is right (the paper's: a prefix of the answer).</summary>
    public AnswerMatch Match { get; init; } = Protocol.Paper.Match;

    /// <summary>
    /// Stop a sequence as soon as the answer matcher says its outcome is settled. The score is
    /// the same as without it (a settled continuation cannot change outcome), only cheaper.
    /// </summary>
    public bool StopWhenDecided { get; init; } = true;

    /// <summary>
    /// Keep the clean run's states (a <see cref="Inference.PrefixCache"/>) and start every
    /// intervened run from them at its lowest written layer. The outcomes are bit-identical
    /// either way; off, every condition is computed in full (for comparison and measurement).
    /// </summary>
    public bool ReuseCleanPrefix { get; init; } = true;
}
