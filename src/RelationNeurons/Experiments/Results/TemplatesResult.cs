using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// The paper's Fig 8 (<c>templates.json</c>): each relation's neurons deactivated on P^eva-2, the
/// same test facts in a template never used for detection, beside the same comparison on P^eva
/// (the first template). <see cref="Skipped"/>: why nothing was computed (null when something was).
/// </summary>
public sealed record TemplatesResult(StatisticsSettings Statistics, IReadOnlyList<TemplateEntry> Entries, string? Skipped) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>One relation in one language: <see cref="Original"/> on P^eva, <see cref="Alternative"/> on P^eva-2.</summary>
public sealed record TemplateEntry(string Relation, string Language, int NeuronCount, IntraComparison Original, IntraComparison Alternative);
