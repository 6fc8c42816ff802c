using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// The paper's App E (<c>frequency.json</c>): in <see cref="Corpus"/> (<see cref="Files"/> files,
/// <see cref="Documents"/> non-empty documents), the number of documents in which each P^eva
/// fact's subject and object co-occur; per relation, the mean of its resilient facts (right before
/// and after its neurons are off) and of its sensitive ones (right before, wrong after) and their
/// relative difference; a Wilcoxon signed-rank test across relations. Facts of
/// <see cref="Language"/> only. <see cref="Skipped"/>: why nothing was computed (e.g. no corpus
/// given; null when something was).
/// </summary>
public sealed record FrequencyResult(
    string Language,
    string? Corpus,
    int Files,
    long Documents,
    IReadOnlyList<FrequencySplitRow> Relations,
    WilcoxonResult? Test,
    IReadOnlyList<FactFrequencyOutcome> Facts,
    string? Skipped) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;

    public static FrequencyResult NotComputed(string language, string reason) => new(language, null, 0, 0, [], null, [], reason);
}
