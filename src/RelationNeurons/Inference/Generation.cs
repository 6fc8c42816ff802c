namespace RelationNeurons.Inference;

/// <summary>Why generation of a sequence ended.</summary>
public enum StopReason { Eos, TokenBudget, Predicate }

/// <summary>Greedy continuation of one prompt. <see cref="NewIds"/> ends with the EOS token when one was produced.</summary>
public sealed record GenerationResult(int[] PromptIds, int[] NewIds, StopReason Reason)
{
    public int[] AllIds => [.. PromptIds, .. NewIds];
}

/// <summary>
/// Asked after each generated token of prompt <paramref name="sequenceIndex"/> with all tokens
/// generated so far; returning true ends that sequence (e.g. once the answer is decided).
/// </summary>
public delegate bool StopPredicate(int sequenceIndex, ReadOnlySpan<int> generatedIds);
