using System.CommandLine;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Inference;
using RelationNeurons.Method;
using RelationNeurons.Runs;

namespace RelationNeurons.Tests.Cli;

/// <summary>
/// `experiment --run DIR` takes the options DIR/run.json recorded for every flag not given
/// (<see cref="ExperimentArguments.FromRun"/>); a flag given wins; without run.json the flags' defaults hold.
/// </summary>
public class ExperimentRunOptionsTests
{
    private sealed record Line(ExperimentArguments Args, ComputeArgument Compute, ParseResult Parse);

    private static Line ParseLine(params string[] line)
    {
        var args = new ExperimentArguments();
        var compute = new ComputeArgument();
        var command = new RootCommand { compute.Option };
        foreach (var o in args.FromSelectedSets) command.Options.Add(o);
        var parse = command.Parse(line);
        Assert.Empty(parse.Errors);
        return new(args, compute, parse);
    }

    /// <summary>The settings `run` records with this protocol and these experiment options.</summary>
    private static IReadOnlyDictionary<string, string> Recorded(Protocol protocol, ExperimentOptions? experiments = null,
        ComputePrecision compute = ComputePrecision.F32) =>
        new RunOptions
        {
            Model = "m", Relations = ".", OutFolder = "o", Protocol = protocol,
            Experiments = experiments ?? new ExperimentOptions(), Compute = compute,
        }.Settings();

    private static FlagValues Values(Line line, IReadOnlyDictionary<string, string> recorded) =>
        new(line.Parse, line.Args.FromRun(line.Parse, recorded, line.Compute));

    private static string Supplied(FlagValues values) => string.Join(" ", values.Supplied.Select(f => $"{f.Key.Name} {f.Value}"));

    private static readonly IReadOnlyDictionary<string, string> KojimaRun = Recorded(Protocol.Kojima with { RandomSeeds = 5 },
        new ExperimentOptions { Seed = 7, Statistics = StatisticsSettings.Default with { BootstrapResamples = 300, PermutationResamples = 300 } },
        ComputePrecision.Bf16);

    [Fact]
    public void TheSelectionsChoicesAreNotOfferedWhereTheSetsAreAlreadySelected()
    {
        // They would do nothing there: refused as unknown instead of ignored.
        var command = ExperimentVerb.Create();
        foreach (string flag in new[] { "--units", "--validation", "--negatives", "--mode", "--count", "--fraction" })
            Assert.Contains(command.Parse(["intra", "--run", "r", flag, "1"]).Errors, e => e.Message.Contains(flag));
        Assert.Empty(command.Parse(["intra", "--run", "r", "--random-seeds", "3", "--max-new-tokens", "8", "--protocol", "kojima"]).Errors);
    }

    [Fact]
    public void OptionsRecordedInRunJsonAreUsedForFlagsNotGiven()
    {
        var line = ParseLine();
        var values = Values(line, KojimaRun);
        // Only what differs from the command line's defaults is supplied; kojima's own choices come with --protocol.
        Assert.Equal("--protocol kojima --random-seeds 5 --seed 7 --resamples 300 --compute bf16", Supplied(values));
        var options = line.Args.Experiments(values);
        Assert.Equal(5, options.RandomSeeds);
        Assert.Equal(RandomBaseline.LayerMatched, options.Random);
        Assert.Equal(CumulativitySweep.Scales, options.Sweep);
        Assert.Equal(7UL, options.Seed);
        Assert.Equal(300, options.Statistics.BootstrapResamples);
        Assert.Equal(300, options.Statistics.PermutationResamples);
        Assert.Equal(8, line.Args.Evaluation(values).MaxNewTokens);
        Assert.Equal(AnswerMatch.Answer, line.Args.Evaluation(values).Match);
        Assert.Equal(ComputePrecision.Bf16, line.Compute.Precision(values));
        Assert.Empty(line.Args.GivenUnlikeRun(values, KojimaRun, line.Compute));
    }

    [Fact]
    public void AFlagGivenWinsOverRunJson()
    {
        var line = ParseLine("--random-seeds", "4", "--compute", "f32", "--resamples", "300");
        var values = Values(line, KojimaRun);
        Assert.Equal("--protocol kojima --seed 7", Supplied(values));
        var options = line.Args.Experiments(values);
        Assert.Equal(4, options.RandomSeeds);
        Assert.Equal(RandomBaseline.LayerMatched, options.Random);
        Assert.Equal(ComputePrecision.F32, line.Compute.Precision(values));
        Assert.Equal(["compute: bf16 → f32", "random_seeds: 5 → 4"], line.Args.GivenUnlikeRun(values, KojimaRun, line.Compute));
    }

    [Fact]
    public void AnotherProtocolGivenBringsItsChoicesAndKeepsTheRunsOwnFlags()
    {
        var line = ParseLine("--protocol", "paper");
        var values = Values(line, KojimaRun);
        // random_seeds 5 was a flag of the kojima run; kojima's layer-matched sets, scales and 8 tokens were not.
        Assert.Equal("--random-seeds 5 --seed 7 --resamples 300 --compute bf16", Supplied(values));
        var options = line.Args.Experiments(values);
        Assert.Equal(5, options.RandomSeeds);
        Assert.Equal(RandomBaseline.Uniform, options.Random);
        Assert.Equal(CumulativitySweep.KSweep, options.Sweep);
        Assert.Equal(2, line.Args.Evaluation(values).MaxNewTokens);
        Assert.Equal(["protocol: kojima → paper"], line.Args.GivenUnlikeRun(values, KojimaRun, line.Compute));
    }

    [Fact]
    public void ARunWithTheDefaultsOrNoRunJsonKeepsTheDefaults()
    {
        var line = ParseLine();
        var values = Values(line, Recorded(Protocol.Paper));
        Assert.Empty(values.Supplied);
        var defaults = line.Args.Experiments(new FlagValues(line.Parse));   // what `experiment` does without run.json
        Assert.Equal(Protocol.Paper.RandomSeeds, defaults.RandomSeeds);
        Assert.Equal(0UL, defaults.Seed);
        Assert.Equal(StatisticsSettings.Default.BootstrapResamples, defaults.Statistics.BootstrapResamples);
        Assert.Equal(ShardArguments.Json(defaults), ShardArguments.Json(line.Args.Experiments(values)));

        // A folder made before the protocol was a setting is read as the Kojima protocol it ran with.
        var legacy = Recorded(Protocol.Kojima).Where(s => s.Key is not ("protocol" or "units" or "mode" or "k")).ToDictionary();
        Assert.Equal("--protocol kojima", Supplied(Values(line, legacy)));
    }
}
