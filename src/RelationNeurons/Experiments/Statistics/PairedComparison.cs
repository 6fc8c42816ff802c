namespace RelationNeurons.Experiments.Statistics;

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
