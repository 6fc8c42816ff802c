using System.CommandLine;
using System.Globalization;
using RelationNeurons.Experiments.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;

namespace RelationNeurons.Cli.Verbs;

/// <summary>The experiment options shared by `experiment` and `run` (their cost knobs: seeds and cumulativity points).</summary>
internal sealed class ExperimentArguments
{
    private static readonly ExperimentOptions Defaults = new();

    public Option<int> RandomSeeds { get; } = new("--random-seeds") { Description = "layer-matched random sets per relation set", DefaultValueFactory = _ => Defaults.RandomSeeds };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "base seed of the random sets", DefaultValueFactory = _ => 0UL };
    public Option<string> Shares { get; } = new("--cumulativity-shares")
    {
        Description = "comma-separated shares of a relation's ranked set deactivated in the cumulativity sweep",
        DefaultValueFactory = _ => string.Join(",", Defaults.CumulativityShares.Select(s => s.ToString(CultureInfo.InvariantCulture))),
    };
    public Option<int> CumulativitySeeds { get; } = new("--cumulativity-random-seeds") { Description = "random sets per cumulativity point", DefaultValueFactory = _ => Defaults.CumulativityRandomSeeds };
    public Option<string?> CumulativityLanguages { get; } = new("--cumulativity-languages") { Description = "comma-separated languages that get cumulativity curves (default: all)" };
    public Option<string> Value { get; } = new("--value") { Description = "value forced on the units: zero, on_p50 or a number", DefaultValueFactory = _ => "zero" };
    public Option<int> Resamples { get; } = new("--resamples") { Description = "bootstrap and permutation resamples", DefaultValueFactory = _ => StatisticsSettings.Default.BootstrapResamples };
    public Option<int> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "most tokens generated per test prompt", DefaultValueFactory = _ => 8 };
    public Option<int> Parallel { get; } = new("--parallel") { Description = "conditions evaluated at once", DefaultValueFactory = _ => 1 };

    public IEnumerable<Option> All => [RandomSeeds, Seed, Shares, CumulativitySeeds, CumulativityLanguages, Value, Resamples, MaxNewTokens, Parallel];

    public ExperimentOptions Experiments(ParseResult parse)
    {
        int resamples = parse.GetValue(Resamples);
        if (resamples < 1) throw new UserInputException($"--resamples must be at least 1, got {resamples}");
        var options = new ExperimentOptions
        {
            RandomSeeds = parse.GetValue(RandomSeeds),
            Seed = parse.GetValue(Seed),
            CumulativityShares = ParseShares(parse.GetValue(Shares)!),
            CumulativityRandomSeeds = parse.GetValue(CumulativitySeeds),
            CumulativityLanguages = SplitList(parse.GetValue(CumulativityLanguages)),
            Value = InterventionValue.Parse(parse.GetValue(Value)!),
            Statistics = StatisticsSettings.Default with { BootstrapResamples = resamples, PermutationResamples = resamples },
            Parallelism = parse.GetValue(Parallel),
        };
        options.Validate();
        return options;
    }

    public EvaluationOptions Evaluation(ParseResult parse)
    {
        int n = parse.GetValue(MaxNewTokens);
        if (n < 1) throw new UserInputException($"--max-new-tokens must be at least 1, got {n}");
        return new EvaluationOptions { MaxNewTokens = n };
    }

    private static double[] ParseShares(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UserInputException("--cumulativity-shares is empty");
        return parts.Select(p => double.TryParse(p.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? (p.EndsWith('%') ? v / 100 : v)
            : throw new UserInputException($"--cumulativity-shares: '{p}' is not a number")).ToArray();
    }

    public static IReadOnlyCollection<string>? SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
}
