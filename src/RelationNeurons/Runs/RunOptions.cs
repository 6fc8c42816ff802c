using System.Globalization;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Method;

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

    /// <summary>Every choice of the method (units, validation, negatives, selection, answers, random baselines, sweep).</summary>
    public Protocol Protocol { get; init; } = Protocol.Paper;

    private readonly ExperimentOptions _experiments = new();
    private readonly EvaluationOptions _evaluation = new();

    /// <summary>The experiments' own knobs; the protocol's choices (random baselines, sweep) always come from <see cref="Protocol"/>.</summary>
    public ExperimentOptions Experiments
    {
        get => _experiments with { RandomSeeds = Protocol.RandomSeeds, Random = Protocol.Random, Sweep = Protocol.Sweep };
        init => _experiments = value;
    }

    /// <summary>Decoding; the answer criterion and token budget always come from <see cref="Protocol"/>.</summary>
    public EvaluationOptions Evaluation
    {
        get => _evaluation with { MaxNewTokens = Protocol.MaxNewTokens, Match = Protocol.Match };
        init => _evaluation = value;
    }

    /// <summary>The corpus of App E, a folder or a .txt/.jsonl file (null: the model's training_corpus.jsonl when present; see <see cref="CorpusChoice"/>).</summary>
    public string? Corpus { get; init; }

    public IReadOnlyList<ExperimentKind> ExperimentKinds { get; init; } = RelationNeurons.Experiments.Runners.ExperimentKinds.All;

    /// <summary>The command line that repeats this run, for the summary and the report (not a setting).</summary>
    public string? ReproduceCommand { get; init; }

    /// <summary>Record layer by layer (<see cref="Analysis.RecordOptions.StreamLayers"/>); the same files, so not a setting.</summary>
    public bool StreamLayers { get; init; }

    /// <summary>Arithmetic of the model's matrix products (<see cref="Inference.EngineOptions.Compute"/>); a setting, as it changes results.</summary>
    public Inference.ComputePrecision Compute { get; init; } = Inference.ComputePrecision.F32;

    /// <summary>Reuse a folder made with other settings or another model, redoing every stage.</summary>
    public bool Force { get; init; }

    /// <summary>Worker threads of the stages that take a count (expertise); -1: all cores. The kernels' own limit is process-wide (KernelOptions). Not a setting: results do not depend on it.</summary>
    public int MaxThreads { get; init; } = -1;

    /// <summary>Run only this stage (its earlier stages must be finished); null: every stage. Not a setting.</summary>
    public string? Stage { get; init; }

    /// <summary>Do only this shard's share of <see cref="Stage"/> (docs/scale-out.md); the merge writes the stage's files. Not a setting.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Finish <see cref="Stage"/> only by merging its shards (`relneurons merge`): refuse when there are none. Not a setting.</summary>
    public bool MergeOnly { get; init; }

    public IReadOnlyDictionary<string, string> Settings()
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        string List<T>(IEnumerable<T>? items) => items is null ? "all" : string.Join(",", items.Select(i => i?.ToString()).Order(StringComparer.Ordinal));
        var e = Experiments;
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["relations"] = Path.GetFullPath(Relations),
            ["languages"] = List(Languages),
            ["relation_ids"] = List(RelationIds),
            ["split_seed"] = SplitSeed.ToString(CultureInfo.InvariantCulture),
            ["test_size"] = TestSize.ToString(),
            ["max_identification_prompts"] = MaxIdentificationPrompts?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["pooling"] = "mean",
            ["negative_scope"] = "same_language",
            ["seed"] = e.Seed.ToString(CultureInfo.InvariantCulture),
            ["cumulativity_scales"] = string.Join(",", e.CumulativityScales.Select(F)),
            ["cumulativity_max_unit_share"] = F(e.CumulativityMaxUnitShare),
            ["cumulativity_random_seeds"] = e.CumulativityRandomSeeds.ToString(CultureInfo.InvariantCulture),
            ["cumulativity_languages"] = List(e.CumulativityLanguages),
            ["value"] = e.Value.ToString(),
            ["detection_prompts_per_relation"] = e.DetectionPromptsPerRelation.ToString(CultureInfo.InvariantCulture),
            ["bootstrap_resamples"] = e.Statistics.BootstrapResamples.ToString(CultureInfo.InvariantCulture),
            ["permutation_resamples"] = e.Statistics.PermutationResamples.ToString(CultureInfo.InvariantCulture),
            ["confidence_level"] = F(e.Statistics.ConfidenceLevel),
            ["statistics_seed"] = e.Statistics.Seed.ToString(CultureInfo.InvariantCulture),
            ["corpus"] = Corpus is null ? CorpusChoice.BesideModelSetting : Path.GetFullPath(Corpus),
            ["source_language"] = e.SourceLanguage,
            ["error_type_new_tokens"] = e.ErrorTypeNewTokens.ToString(CultureInfo.InvariantCulture),
            ["experiments"] = string.Join(",", ExperimentKinds.Select(RelationNeurons.Experiments.Runners.ExperimentKinds.Name)),
            ["compute"] = Inference.ComputePrecisions.Name(Compute),
        };
        foreach (var (key, value) in Protocol.Settings()) settings[key] = value;
        return settings;
    }
}
