using System.Globalization;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Runners;

namespace RelationNeurons.Runs;

/// <summary>
/// Everything a run is made of. <see cref="Settings"/> is its canonical description: two runs
/// with equal settings and the same model produce the same files, so a run folder may be resumed
/// only with equal settings.
/// </summary>
public sealed record RunOptions
{
    /// <summary>Model folder (or Hub id found in the local cache).</summary>
    public required string Model { get; init; }
    /// <summary>Relation file or folder.</summary>
    public required string Relations { get; init; }
    public required string OutFolder { get; init; }

    public IReadOnlyCollection<string>? Languages { get; init; }
    public IReadOnlyCollection<string>? RelationIds { get; init; }
    public ulong SplitSeed { get; init; }
    public TestSize TestSize { get; init; } = TestSize.Auto;
    public int? MaxIdentificationPrompts { get; init; }

    /// <summary>Unit set: <c>linear</c> (every linear projection's output, METHOD.md's default) or <c>mlp</c>.</summary>
    public string Units { get; init; } = "linear";
    /// <summary>Selection: <c>both</c> (top N/2 and bottom N/2), <c>top</c> or <c>bottom</c>.</summary>
    public string SelectionMode { get; init; } = "both";
    /// <summary>N as a count (null: <see cref="SelectionFraction"/>).</summary>
    public long? SelectionCount { get; init; }
    /// <summary>N as a share of all units (null: the paper's 6000 of Llama-2-7B's 1,359,872).</summary>
    public double? SelectionFraction { get; init; }

    public ExperimentOptions Experiments { get; init; } = new();
    public EvaluationOptions Evaluation { get; init; } = new();
    public IReadOnlyList<ExperimentKind> ExperimentKinds { get; init; } = RelationNeurons.Experiments.Runners.ExperimentKinds.All;

    /// <summary>The command line that repeats this run, for the summary and the report (not a setting).</summary>
    public string? ReproduceCommand { get; init; }

    /// <summary>Record layer by layer (<see cref="Analysis.RecordOptions.StreamLayers"/>); the same files, so not a setting.</summary>
    public bool StreamLayers { get; init; }

    /// <summary>Reuse a folder made with other settings or another model, redoing every stage.</summary>
    public bool Force { get; init; }

    public IReadOnlyDictionary<string, string> Settings()
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        string List<T>(IEnumerable<T>? items) => items is null ? "all" : string.Join(",", items.Select(i => i?.ToString()).Order(StringComparer.Ordinal));
        var e = Experiments;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["relations"] = Path.GetFullPath(Relations),
            ["languages"] = List(Languages),
            ["relation_ids"] = List(RelationIds),
            ["split_seed"] = SplitSeed.ToString(CultureInfo.InvariantCulture),
            ["test_size"] = TestSize.ToString(),
            ["max_identification_prompts"] = MaxIdentificationPrompts?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["units"] = Units,
            ["selection"] = SelectionMode,
            ["selection_count"] = SelectionCount?.ToString(CultureInfo.InvariantCulture) ?? "fraction",
            ["selection_fraction"] = SelectionFraction is { } f ? F(f) : "paper",
            ["random_seeds"] = e.RandomSeeds.ToString(CultureInfo.InvariantCulture),
            ["seed"] = e.Seed.ToString(CultureInfo.InvariantCulture),
            ["cumulativity_scales"] = string.Join(",", e.CumulativityScales.Select(F)),
            ["cumulativity_max_unit_share"] = F(e.CumulativityMaxUnitShare),
            ["cumulativity_random_seeds"] = e.CumulativityRandomSeeds.ToString(CultureInfo.InvariantCulture),
            ["cumulativity_languages"] = List(e.CumulativityLanguages),
            ["value"] = e.Value.ToString(),
            ["bootstrap_resamples"] = e.Statistics.BootstrapResamples.ToString(CultureInfo.InvariantCulture),
            ["permutation_resamples"] = e.Statistics.PermutationResamples.ToString(CultureInfo.InvariantCulture),
            ["confidence_level"] = F(e.Statistics.ConfidenceLevel),
            ["statistics_seed"] = e.Statistics.Seed.ToString(CultureInfo.InvariantCulture),
            ["max_new_tokens"] = Evaluation.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
            ["experiments"] = string.Join(",", ExperimentKinds.Select(RelationNeurons.Experiments.Runners.ExperimentKinds.Name)),
        };
    }
}
