namespace RelationNeurons.Experiments.Statistics;

/// <summary>How the confidence intervals and p-values of a result were computed (all seeded, so reruns agree).</summary>
public sealed record StatisticsSettings(
    int BootstrapResamples,
    int PermutationResamples,
    double ConfidenceLevel,
    ulong Seed)
{
    public static StatisticsSettings Default { get; } = new(10_000, 10_000, 0.95, 20250224);
}
