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

/// <summary>How the confidence intervals and p-values of a result were computed (all seeded, so reruns agree).</summary>
public sealed record StatisticsSettings(
    int BootstrapResamples,
    int PermutationResamples,
    double ConfidenceLevel,
    ulong Seed)
{
    public static StatisticsSettings Default { get; } = new(10_000, 10_000, 0.95, 20250224);
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
    IReadOnlyList<IntraFactOutcome> Facts);

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

/// <summary>
/// A paired difference of accuracies with its seeded bootstrap percentile interval and a
/// two-sided paired sign-flip permutation p-value.
/// </summary>
public sealed record PairedComparison(
    int Count,
    double Estimate,
    double CiLow,
    double CiHigh,
    double PValue)
{
    /// <summary>True when the interval lies entirely above or entirely below zero.</summary>
    public bool CiExcludesZero => CiLow > 0 || CiHigh < 0;
}

/// <summary>One test prompt's outcome under each condition (random: one entry per seed, in <c>random_seeds</c> order).</summary>
public sealed record IntraFactOutcome(
    string FactId,
    string Prompt,
    bool Clean,
    bool Deactivated,
    IReadOnlyList<bool> Random);
