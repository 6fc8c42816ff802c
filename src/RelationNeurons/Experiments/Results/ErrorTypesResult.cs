using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// The paper's Table 4 (<c>error_types.json</c>): the P^eva prompts that flip from right to wrong
/// when their relation's neurons are off, continued for <see cref="NewTokens"/> tokens under the
/// deactivation and classified (<see cref="ErrorTypes.Classify"/>). <see cref="Skipped"/>: why
/// nothing was computed (null when something was).
/// </summary>
public sealed record ErrorTypesResult(int NewTokens, IReadOnlyList<ErrorTypeEntry> Entries, string? Skipped) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>One relation in one language: counts per type (they sum to <see cref="Flipped"/>) and up to a few examples of each type.</summary>
public sealed record ErrorTypeEntry(
    string Relation, string Language, int Flipped, int RepeatsPrompt, int StartsWithThe, int StartsWithA, int Other,
    IReadOnlyList<ErrorTypeExample> Examples);

public sealed record ErrorTypeExample(ErrorType Type, string FactId, string Prompt, string Continuation);
