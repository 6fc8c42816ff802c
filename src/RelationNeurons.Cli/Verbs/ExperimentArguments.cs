using System.CommandLine;
using System.Globalization;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Experiments.Statistics;

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

    /// <summary>The experiments' options with the protocol's choices (random baselines, sweep) applied.</summary>
    public ExperimentOptions Experiments(ParseResult parse)
    {
        var protocol = Protocol.Resolve(parse);
        int resamples = parse.GetValue(Resamples);
        if (resamples < 1) throw new UserInputException($"--resamples must be at least 1, got {resamples}");
        var options = new ExperimentOptions
        {
            RandomSeeds = protocol.RandomSeeds,
            Random = protocol.Random,
            Sweep = protocol.Sweep,
            Seed = parse.GetValue(Seed),
            CumulativityScales = ParseScales(parse.GetValue(Scales)!),
            CumulativityMaxUnitShare = parse.GetValue(MaxUnitShare),
            CumulativityRandomSeeds = parse.GetValue(CumulativitySeeds),
            CumulativityLanguages = SplitList(parse.GetValue(CumulativityLanguages)),
            Value = InterventionValue.Parse(parse.GetValue(Value)!),
            Statistics = StatisticsSettings.Default with { BootstrapResamples = resamples, PermutationResamples = resamples },
            Parallelism = parse.GetValue(Parallel),
            SourceLanguage = parse.GetValue(SourceLanguage)!.Trim(),
        };
        options.Validate();
        return options;
    }

    /// <summary>The given corpus, checked now (missing, or without text files: a user error before any work), or null.</summary>
    public string? CorpusPath(ParseResult parse) => Runs.CorpusChoice.Check(parse.GetValue(Corpus));

    public EvaluationOptions Evaluation(ParseResult parse)
    {
        var protocol = Protocol.Resolve(parse);
        return new EvaluationOptions { MaxNewTokens = protocol.MaxNewTokens, Match = protocol.Match };
    }

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
