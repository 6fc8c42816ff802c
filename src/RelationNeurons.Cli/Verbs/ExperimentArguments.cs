using System.CommandLine;
using System.Globalization;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Method;
using RelationNeurons.Runs;

namespace RelationNeurons.Cli.Verbs;

/// <summary>The experiment options shared by `experiment` and `run`: the protocol's choices and the cost knobs (cumulativity points, resamples).</summary>
internal sealed class ExperimentArguments
{
    private static readonly ExperimentOptions Defaults = new();

    public Option<ulong> Seed { get; } = new("--seed") { Description = "base seed of the random sets", DefaultValueFactory = _ => 0UL };
    public Option<string> Scales { get; } = new("--cumulativity-scales")
    {
        Description = "comma-separated points of the cumulativity sweep as multiples of the relation's set size N (e.g. 1/16,1/4,1,4,16), " +
            "taken along the relation's expertise ranking beyond N",
        DefaultValueFactory = _ => string.Join(",", Defaults.CumulativityScales.Select(FormatScale)),
    };
    public Option<double> MaxUnitShare { get; } = new("--cumulativity-max-share")
    {
        Description = "largest cumulativity point as a share of all units", DefaultValueFactory = _ => Defaults.CumulativityMaxUnitShare,
    };
    public Option<int> CumulativitySeeds { get; } = new("--cumulativity-random-seeds") { Description = "random sets per cumulativity point", DefaultValueFactory = _ => Defaults.CumulativityRandomSeeds };
    public Option<string?> CumulativityLanguages { get; } = new("--cumulativity-languages") { Description = "comma-separated languages that get cumulativity curves (default: all)" };
    public Option<string> Value { get; } = new("--value") { Description = "value forced on the units: zero, on_p50 or a number", DefaultValueFactory = _ => "zero" };
    public Option<int> Resamples { get; } = new("--resamples") { Description = "bootstrap and permutation resamples", DefaultValueFactory = _ => StatisticsSettings.Default.BootstrapResamples };
    public Option<int> Parallel { get; } = new("--parallel") { Description = "conditions evaluated at once", DefaultValueFactory = _ => 1 };
    public Option<string?> Corpus { get; } = new("--corpus")
    {
        Description = "corpus for the fact-frequency analysis (App E): a folder of .txt/.jsonl files (searched recursively) or one such file; " +
            $"default: {Analysis.CooccurrenceCounter.ModelCorpusFile} beside the model when present (the demo model's own training text)",
    };
    public Option<string> SourceLanguage { get; } = new("--source-language")
    {
        Description = "language whose neurons Fig 7 deactivates on the other languages, and whose facts App E counts", DefaultValueFactory = _ => Defaults.SourceLanguage,
    };

    public ProtocolArguments Protocol { get; } = new();

    public IEnumerable<Option> All => [.. Protocol.All, Seed, Scales, MaxUnitShare, CumulativitySeeds, CumulativityLanguages, Value, Resamples, Parallel, Corpus, SourceLanguage];

    /// <summary>The options of a verb that starts from selected neuron sets: <see cref="All"/> without the selection's choices.</summary>
    public IEnumerable<Option> FromSelectedSets => All.Except(Protocol.SelectionChoices);

    /// <summary>The experiments' options with the protocol's choices (random baselines, sweep) applied.</summary>
    public ExperimentOptions Experiments(FlagValues values)
    {
        var protocol = Protocol.Resolve(values);
        int resamples = values.Get(Resamples);
        if (resamples < 1) throw new UserInputException($"--resamples must be at least 1, got {resamples}");
        var options = new ExperimentOptions
        {
            RandomSeeds = protocol.RandomSeeds,
            Random = protocol.Random,
            Sweep = protocol.Sweep,
            Seed = values.Get(Seed),
            CumulativityScales = ParseScales(values.Get(Scales)!),
            CumulativityMaxUnitShare = values.Get(MaxUnitShare),
            CumulativityRandomSeeds = values.Get(CumulativitySeeds),
            CumulativityLanguages = SplitList(values.Get(CumulativityLanguages)),
            Value = InterventionValue.Parse(values.Get(Value)!),
            Statistics = StatisticsSettings.Default with { BootstrapResamples = resamples, PermutationResamples = resamples },
            Parallelism = values.Get(Parallel),
            SourceLanguage = values.Get(SourceLanguage)!.Trim(),
        };
        options.Validate();
        return options;
    }

    /// <summary>The given corpus, checked now (missing, or without text files: a user error before any work), or null.</summary>
    public string? CorpusPath(FlagValues values) => Runs.CorpusChoice.Check(values.Get(Corpus));

    public EvaluationOptions Evaluation(FlagValues values)
    {
        var protocol = Protocol.Resolve(values);
        return new EvaluationOptions { MaxNewTokens = protocol.MaxNewTokens, Match = protocol.Match };
    }

    /// <summary>
    /// The flags a run folder's run.json supplies to `experiment --run` (<see cref="FlagValues"/>): each
    /// experiment flag not given on the command line whose recorded setting (<paramref name="recorded"/>,
    /// <see cref="RunOptions.Settings"/>) differs from what the command line gives it, as the text of
    /// that flag, the protocol first. A <c>--protocol</c> given that names another protocol than the run's
    /// brings its own choices: of the run's protocol choices, only those that differed from the run's
    /// protocol (flags given to `run`) carry over. A flag given always wins.
    /// </summary>
    public OrderedDictionary<Option, string> FromRun(ParseResult parse, IReadOnlyDictionary<string, string> recorded, ComputeArgument compute)
    {
        var settings = RunManifest.Upgrade(recorded);
        var supplied = new OrderedDictionary<Option, string>();
        bool Given(Option o) => FlagValues.Given(parse, o);
        string? runProtocol = settings.GetValueOrDefault("protocol");
        if (runProtocol is not null && !Given(Protocol.Protocol) && runProtocol != parse.GetValue(Protocol.Protocol)) supplied[Protocol.Protocol] = runProtocol;
        var runProtocolChoices = runProtocol is not null && Given(Protocol.Protocol)
            && ProtocolNames.ParseProtocol(runProtocol) != ProtocolNames.ParseProtocol(parse.GetValue(Protocol.Protocol)!)
            ? Method.Protocol.For(ProtocolNames.ParseProtocol(runProtocol)).Settings() : null;
        var now = Settings(new FlagValues(parse, supplied), compute);
        foreach (var (key, option, choice) in RecordedFlags(compute))
        {
            if (Given(option) || !settings.TryGetValue(key, out string? value) || value == now[key]) continue;
            if (choice && runProtocolChoices?[key] == value) continue;
            // "all" languages and the corpus beside the model are what the flag's absence means.
            if ((key == "cumulativity_languages" && value == "all") || (key == "corpus" && value == CorpusChoice.BesideModelSetting)) continue;
            supplied[option] = value;
        }
        return supplied;
    }

    /// <summary>The flags given on the command line whose setting differs from <paramref name="recorded"/>'s, "name: recorded → given".</summary>
    public IReadOnlyList<string> GivenUnlikeRun(FlagValues values, IReadOnlyDictionary<string, string> recorded, ComputeArgument compute)
    {
        var settings = RunManifest.Upgrade(recorded);
        var keys = RecordedFlags(compute).Prepend((Key: "protocol", Option: (Option)Protocol.Protocol, Choice: false))
            .Where(f => FlagValues.Given(values.Parse, f.Option)).Select(f => f.Key).ToHashSet();
        var now = Settings(values, compute);
        return RunManifest.Differences(settings.Where(s => keys.Contains(s.Key)).ToDictionary(), now.Where(s => keys.Contains(s.Key)).ToDictionary());
    }

    /// <summary>The settings (run.json's names and text) that these flag values make.</summary>
    private IReadOnlyDictionary<string, string> Settings(FlagValues values, ComputeArgument compute) =>
        // A run's settings hold these options as `run` formats them; the paths are placeholders (those keys are not read).
        new RunOptions
        {
            Model = "", Relations = ".", OutFolder = "",
            Protocol = Protocol.Resolve(values), Experiments = Experiments(values), Evaluation = Evaluation(values),
            Corpus = values.Get(Corpus) is { } corpus ? Path.GetFullPath(corpus) : null, Compute = compute.Precision(values),   // checked where it is used
        }.Settings();

    /// <summary>Every run.json setting that `experiment` has a flag for: its key, the flag, and whether it is one of the protocol's choices.</summary>
    private IEnumerable<(string Key, Option Option, bool Choice)> RecordedFlags(ComputeArgument compute) =>
    [
        ("match", Protocol.Match, true), ("max_new_tokens", Protocol.MaxNewTokens, true), ("random", Protocol.Random, true),
        ("random_seeds", Protocol.RandomSeeds, true), ("sweep", Protocol.Sweep, true),
        ("seed", Seed, false), ("cumulativity_scales", Scales, false), ("cumulativity_max_unit_share", MaxUnitShare, false),
        ("cumulativity_random_seeds", CumulativitySeeds, false), ("cumulativity_languages", CumulativityLanguages, false),
        ("value", Value, false), ("bootstrap_resamples", Resamples, false), ("source_language", SourceLanguage, false),
        ("corpus", Corpus, false), ("compute", compute.Option, false),
    ];

    /// <summary>Parses "1/16,0.5,2,16": decimals or fractions p/q.</summary>
    internal static double[] ParseScales(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UserInputException("--cumulativity-scales is empty");
        return parts.Select(p =>
        {
            var q = p.Split('/', StringSplitOptions.TrimEntries);
            if (q.Length is 1 or 2 && q.All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                double v = double.Parse(q[0], CultureInfo.InvariantCulture) / (q.Length == 2 ? double.Parse(q[1], CultureInfo.InvariantCulture) : 1);
                if (v > 0 && double.IsFinite(v)) return v;
            }
            throw new UserInputException($"--cumulativity-scales: '{p}' is not a positive number or fraction (e.g. 0.5, 1/16, 4)");
        }).ToArray();
    }

    private static string FormatScale(double s) =>
        s < 1 && Math.Abs(1 / s - Math.Round(1 / s)) < 1e-9 ? $"1/{Math.Round(1 / s).ToString(CultureInfo.InvariantCulture)}" : s.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyCollection<string>? SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
}
