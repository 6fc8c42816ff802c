using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// Intra-relation experiment (<c>intra.json</c>): deactivate a relation's neurons, test the same
/// relation, against layer-matched random neuron sets of the same size.
/// </summary>
public sealed record IntraRelationResult(
    StatisticsSettings Statistics,
    IReadOnlyList<IntraRelationEntry> Entries) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// One relation in one language. <see cref="AllFacts"/> counts every test fact;
/// <see cref="FactsCorrectBefore"/> only those the unmodified model recalled (null when there is none).
/// </summary>
public sealed record IntraRelationEntry(
    string Relation,
    string Language,
    int NeuronCount,
    IReadOnlyList<long> RandomSeeds,
    IntraComparison AllFacts,
    IntraComparison? FactsCorrectBefore,
    IReadOnlyList<IntraFactOutcome> Facts)
{
    /// <summary>
    /// The paper's Fig 3b: the same comparison on the relation's validated detection prompts
    /// (P^det, which the neurons were found on; clean accuracy 1 by construction). Null when the
    /// run had no validated detection prompts for the relation.
    /// </summary>
    public IntraComparison? DetectionPrompts { get; init; }
}

/// <summary>
/// Accuracies (fractions in [0, 1]) of one subset of test facts under the three conditions.
/// Drops are clean minus after, so positive means recall was lost.
/// <see cref="DropVsClean"/> and <see cref="RandomDropVsClean"/> are the drops of the relation's
/// set and of the random sets (mean over seeds) with their intervals; <see cref="DropVsRandom"/> is
/// the per-fact paired difference (random-set accuracy minus relation-set accuracy): positive
/// means the relation's neurons matter more than random ones.
/// </summary>
public sealed record IntraComparison(
    int Count,
    double AccuracyClean,
    double AccuracyDeactivated,
    IReadOnlyList<double> AccuracyRandom,
    double AccuracyRandomMean,
    double DropDeactivated,
    double DropRandom,
    PairedComparison DropVsClean,
    PairedComparison RandomDropVsClean,
    PairedComparison DropVsRandom);

/// <summary>One test prompt's outcome under each condition (random: one entry per seed, in <c>random_seeds</c> order).</summary>
public sealed record IntraFactOutcome(
    string FactId,
    string Prompt,
    bool Clean,
    bool Deactivated,
    IReadOnlyList<bool> Random);
