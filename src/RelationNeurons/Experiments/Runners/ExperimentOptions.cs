using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Randomness;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Method;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Settings of the deactivation experiments. The number of random seeds and of cumulativity
/// points sets the run's cost: every random seed is one more evaluation per condition.
/// </summary>
public sealed record ExperimentOptions
{
    /// <summary>Random baselines per relation set (seeds 1..n), each a set of the same size drawn as <see cref="Random"/> says.</summary>
    public int RandomSeeds { get; init; } = Protocol.Paper.RandomSeeds;

    /// <summary>How random baseline sets are drawn (<see cref="RandomUnitSampler"/>).</summary>
    public RandomBaseline Random { get; init; } = Protocol.Paper.Random;

    /// <summary>The points of the cumulativity curve: the paper's k sweep, or <see cref="CumulativityScales"/>.</summary>
    public CumulativitySweep Sweep { get; init; } = Protocol.Paper.Sweep;

    /// <summary>Base seed for drawing the random sets.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// With <see cref="CumulativitySweep.Scales"/>: points of the cumulativity sweep as multiples of the relation's selection size N: from a
    /// handful of units (N/16) to many (16·N), taken from the relation's full expertise ranking
    /// beyond N (the clean model, 0 units, is added). Each point is rounded to at least one unit
    /// and capped at <see cref="CumulativityMaxUnitShare"/> of all units.
    /// </summary>
    public IReadOnlyList<double> CumulativityScales { get; init; } = [1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1, 2, 4, 8, 16];

    /// <summary>Largest cumulativity point as a share of all units scored: beyond a quarter of the model, a set says little about any relation.</summary>
    public double CumulativityMaxUnitShare { get; init; } = 0.25;

    /// <summary>Random seeds per cumulativity point (at most <see cref="RandomSeeds"/>).</summary>
    public int CumulativityRandomSeeds { get; init; } = 1;

    /// <summary>Languages whose sets get a cumulativity sweep (null: every language).</summary>
    public IReadOnlyCollection<string>? CumulativityLanguages { get; init; }

    /// <summary>
    /// Validated detection prompts per relation and language on which the intra-relation
    /// experiment is repeated (Fig 3b): a seeded sample of this many (the size of P^eva), all when
    /// fewer; 0 takes all of them.
    /// </summary>
    public int DetectionPromptsPerRelation { get; init; } = 50;

    /// <summary>
    /// The language whose neuron sets Fig 7 deactivates on the other languages' prompts, and whose
    /// facts App E counts in the corpus: the paper's English.
    /// </summary>
    public string SourceLanguage { get; init; } = "en";

    /// <summary>New tokens of the continuations Table 4 classifies (the paper's 20).</summary>
    public int ErrorTypeNewTokens { get; init; } = Evaluation.ErrorTypes.DefaultNewTokens;

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
        if (CumulativityScales.Count == 0) throw new UserInputException("cumulativity needs at least one scale");
        foreach (double s in CumulativityScales)
            if (!(s > 0 && double.IsFinite(s))) throw new UserInputException($"cumulativity scale {s} is not a positive multiple of the set size");
        if (!(CumulativityMaxUnitShare > 0 && CumulativityMaxUnitShare <= 1))
            throw new UserInputException($"cumulativity maximum unit share {CumulativityMaxUnitShare} is not in (0, 1]");
        if (DetectionPromptsPerRelation < 0) throw new UserInputException($"detection prompts per relation must be 0 (all) or more, got {DetectionPromptsPerRelation}");
        if (string.IsNullOrWhiteSpace(SourceLanguage)) throw new UserInputException("the source language of Fig 7 and App E is empty");
        if (ErrorTypeNewTokens < 1) throw new UserInputException($"error-type continuations need at least 1 new token, got {ErrorTypeNewTokens}");
        if (Parallelism < 1) throw new UserInputException($"parallelism must be at least 1, got {Parallelism}");
    }

    /// <summary>
    /// The detection prompts Fig 3b is computed on: per relation and language, a seeded sample of
    /// <see cref="DetectionPromptsPerRelation"/> in their file order (all when fewer, or when 0).
    /// </summary>
    public IReadOnlyList<Prompt> SampleDetectionPrompts(IReadOnlyList<Prompt> validated)
    {
        if (DetectionPromptsPerRelation == 0) return validated;
        var keep = new HashSet<Prompt>(ReferenceEqualityComparer.Instance);
        foreach (var group in validated.GroupBy(p => (p.Relation, p.Language)))
        {
            var list = group.ToList();
            new SplitMix64(SplitMix64.DeriveSeed(Seed, "detection-sample", group.Key.Relation, group.Key.Language)).Shuffle(list);
            foreach (var p in list.Take(DetectionPromptsPerRelation)) keep.Add(p);
        }
        return validated.Where(keep.Contains).ToList();
    }

    /// <summary>The seed values of the random baselines, 1..<paramref name="count"/>.</summary>
    public static long[] SeedValues(int count) => Enumerable.Range(1, count).Select(i => (long)i).ToArray();
}
