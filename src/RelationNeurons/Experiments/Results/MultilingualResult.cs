using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// The paper's Fig 7 (<c>multilingual.json</c>): each relation's neurons found in
/// <see cref="SourceLanguage"/> (English) deactivated, recall on its P^eva facts in every test
/// language, against random sets of the same size. <see cref="Languages"/>: the source first, then
/// the others in order. <see cref="Notes"/>: relations left out of a language (no prompts there).
/// <see cref="Skipped"/>: why nothing was computed (null when something was).
/// </summary>
public sealed record MultilingualResult(
    StatisticsSettings Statistics,
    string SourceLanguage,
    IReadOnlyList<string> Languages,
    IReadOnlyList<TransferEntry> Entries,
    IReadOnlyList<string> Notes,
    string? Skipped) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>One relation measured in one language with the source language's neurons off (<see cref="IntraComparison"/> of its P^eva prompts there).</summary>
public sealed record TransferEntry(string Relation, string Language, int NeuronCount, IntraComparison Comparison);
