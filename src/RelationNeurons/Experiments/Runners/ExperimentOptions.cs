using RelationNeurons.Experiments.Evaluation;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Settings of the deactivation experiments. The number of random seeds and of cumulativity
/// points sets the run's cost: every random seed is one more evaluation per condition.
/// </summary>
public sealed record ExperimentOptions
{
    /// <summary>Random baselines per relation set (seeds 1..n), each a layer-matched set of the same size.</summary>
    public int RandomSeeds { get; init; } = 3;

    /// <summary>Base seed for drawing the random sets.</summary>
    public ulong Seed { get; init; }

    /// <summary>Shares of a relation's ranked set deactivated in the cumulativity sweep (share 0, the clean model, is added).</summary>
    public IReadOnlyList<double> CumulativityShares { get; init; } = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0];

    /// <summary>Random seeds per cumulativity point (at most <see cref="RandomSeeds"/>).</summary>
    public int CumulativityRandomSeeds { get; init; } = 1;

    /// <summary>Languages whose sets get a cumulativity sweep (null: every language).</summary>
    public IReadOnlyCollection<string>? CumulativityLanguages { get; init; }

    /// <summary>What the selected units are set to.</summary>
    public InterventionValue Value { get; init; } = InterventionValue.Zero;

    public StatisticsSettings Statistics { get; init; } = StatisticsSettings.Default;

    /// <summary>Conditions evaluated at the same time (each call also uses the engine's own threads).</summary>
    public int Parallelism { get; init; } = 1;

    public void Validate()
    {
        if (RandomSeeds < 1) throw new UserInputException($"random seeds must be at least 1, got {RandomSeeds}");
        if (CumulativityRandomSeeds < 1 || CumulativityRandomSeeds > RandomSeeds)
            throw new UserInputException($"cumulativity random seeds must be between 1 and {RandomSeeds}, got {CumulativityRandomSeeds}");
        if (CumulativityShares.Count == 0) throw new UserInputException("cumulativity needs at least one share");
        foreach (double s in CumulativityShares)
            if (!(s > 0 && s <= 1)) throw new UserInputException($"cumulativity share {s} is not in (0, 1]");
        if (Parallelism < 1) throw new UserInputException($"parallelism must be at least 1, got {Parallelism}");
    }

    /// <summary>The seed values of the random baselines, 1..<paramref name="count"/>.</summary>
    public static long[] SeedValues(int count) => Enumerable.Range(1, count).Select(i => (long)i).ToArray();
}
