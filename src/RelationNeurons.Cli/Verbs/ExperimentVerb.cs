using RelationNeurons.Analysis;
using System.CommandLine;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Runs;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Inference;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons experiment &lt;kind|all&gt; --run DIR`: reads a run folder's test prompts (with the
/// P^eva-2 prompts and object sentences the prompts stage wrote beside them) and neuron sets,
/// evaluates the conditions the experiment needs (reusing those already in DIR/evaluations) and
/// writes its result file into DIR. Every experiment option not given takes the value DIR/run.json
/// recorded (<see cref="ExperimentArguments.FromRun"/>; said on stderr), a flag given wins. With <c>--shard i/n</c> it does only its share, as
/// <c>run --stage experiments</c>'s shards do (<see cref="ExperimentShards"/>, shard files in
/// DIR/shards/experiment/); the same command without it merges them and writes the result files.
/// </summary>
internal static class ExperimentVerb
{
    internal sealed record ExperimentOutput(string Experiment, string? File, string? Skipped);

    public static Command Create()
    {
        var name = new Argument<string>("experiment") { Description = $"{string.Join(", ", ExperimentKinds.All.Select(ExperimentKinds.Name))} or all" };
        var run = new Option<string>("--run") { Description = "run folder (prompts/test.jsonl, selection/neuron_sets.json; results are written here); its run.json's options are the defaults of the flags not given", Required = true };
        var model = new Option<string?>("--model") { Description = "model folder or Hub id (default: the model recorded in DIR/run.json)" };
        var neurons = new Option<string?>("--neurons") { Description = "neuron sets file (default: DIR/selection/neuron_sets.json)" };
        var expertise = new Option<string?>("--expertise")
        {
            Description = "expertise folder whose ranking carries the cumulativity sweep beyond the selected sets " +
                "(default: DIR/expertise when the neuron sets are DIR's own; without one the sweep stops at the set's size)",
        };
        var json = new Option<bool>("--json") { Description = "print what was written as JSON on stdout" };
        var args = new ExperimentArguments();
        var compute = new ComputeArgument();
        var sharding = new ShardArguments("conditions (with their share of Table 2's and Table 4's questions and of App E's corpus files)");
        var command = new Command("experiment", "run one deactivation experiment (or all) on a run folder's prompts and neuron sets") { name, run, model, neurons, expertise, json, compute.Option };
        foreach (var o in args.FromSelectedSets.Concat(sharding.All)) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            int threads = sharding.Resources.Apply(parse);
            var shard = sharding.Parse(parse);
            string n = parse.GetValue(name)!;
            var kinds = n == "all" ? ExperimentKinds.All : [ExperimentKinds.Parse(n)];
            var layout = new RunLayout(parse.GetValue(run)!);
            if (!Directory.Exists(layout.Root)) throw new UserInputException($"{layout.Root}: run folder not found");
            // The options the run was made with are the defaults of the flags not given here (a flag given wins).
            var manifest = RunManifest.TryLoad(layout.Manifest);
            var values = new FlagValues(parse, manifest is null ? null : args.FromRun(parse, manifest.Options, compute));
            if (values.Supplied.Count > 0)
                Console.Error.WriteLine($"from {layout.Manifest}: {string.Join(" ", values.Supplied.Select(f => $"{f.Key.Name} {f.Value}"))} (the run's options; a flag given here wins)");
            if (manifest is not null && args.GivenUnlikeRun(values, manifest.Options, compute) is { Count: > 0 } unlike)
                Console.Error.WriteLine($"given here, unlike {layout.Manifest}: {string.Join(", ", unlike)}");
            var options = args.Experiments(values);
            string modelName = parse.GetValue(model) ?? manifest?.Model.Name
                ?? throw new UserInputException($"{layout.Manifest} not found; pass --model");
            using var m = LlamaModel.Load(modelName, compute.Engine(values));
            var sets = NeuronSetLoader.Load(parse.GetValue(neurons) ?? layout.NeuronSets);
            string? expertiseFolder = parse.GetValue(expertise)
                ?? (parse.GetValue(neurons) is null && Directory.Exists(layout.Expertise) ? layout.Expertise : null);
            if (expertiseFolder is not null && !Directory.Exists(expertiseFolder)) throw new UserInputException($"{expertiseFolder}: expertise folder not found");
            var inputs = new ExperimentInputs(m.Config, PromptFile.Read(layout.TestPrompts), sets,
                Ranking: expertiseFolder is null ? null : new ExpertiseRanking(expertiseFolder))
                .WithRunFiles(layout, args.CorpusPath(values), m.Directory);
            var evaluation = args.Evaluation(values);
            var fingerprint = ModelFingerprinter.Compute(modelName, m.Directory, m.FilePaths);
            var store = EvaluationStore.ForRun(layout.Root, EvaluationStore.Salt(fingerprint.WeightsSha256, evaluation, m.Options.Compute));
            var evaluator = new Evaluator(m, Evaluator.LoadTokenizer(m), evaluation);
            // What the results depend on: the model, the experiments and their options, the decoding, and the files read.
            string neuronsFile = parse.GetValue(neurons) ?? layout.NeuronSets;
            var shards = new ShardFolder(layout.Root, "experiment");
            string digest = ShardSettings.Digest("experiment", fingerprint.WeightsSha256,
                [new("experiments", string.Join(",", kinds.Select(ExperimentKinds.Name))), new("options", ShardArguments.Json(options with { Parallelism = 1 })),
                 new("evaluation", ShardArguments.Json(evaluation)), new("compute", ComputePrecisions.Name(m.Options.Compute)), new("corpus", inputs.Corpus ?? "")],
                layout.Root, [layout.TestPrompts, layout.AlternativeTestPrompts, layout.ObjectSentences, neuronsFile,
                    .. expertiseFolder is null ? Array.Empty<string>() : [Path.Combine(expertiseFolder, ExpertiseManifest.FileName)]]);
            var services = new ExperimentServices(evaluator);
            if (ShardArguments.RunShard(shard, shards, () => digest, s => ExperimentShards.Run(new ExperimentSuite(inputs, options, evaluator, store, services),
                    kinds, s, shards, threads, null, null, cancel)))
                return 0;
            if (ShardArguments.Finished(shards, () => digest) is { } finished)
                services = ExperimentShards.Merged(new ConditionPlanner(inputs, options), kinds, finished, shards, services);
            // The suite is made where the progress display is, so that the corpus count (App E) draws its own bar.
            var outcomes = RunWithProgress(corpus => new ExperimentSuite(inputs, options, evaluator, store, services with { CorpusProgress = corpus }),
                kinds, layout.Root, cancel);
            shards.Remove();
            var output = outcomes.Select(o => new ExperimentOutput(ExperimentKinds.Name(o.Kind), o.File, o.SkipReason)).ToArray();
            if (parse.GetValue(json)) JsonOutput.Write(output);
            else foreach (var o in output)
                Console.WriteLine(o.File is null ? $"{o.Experiment} skipped: {o.Skipped}"
                    : o.Skipped is null ? $"wrote {o.File}" : $"wrote {o.File} (not computed: {o.Skipped})");
            return 0;
        })));
        return command;
    }

    private static IReadOnlyList<ExperimentOutcome> RunWithProgress(Func<IProgress<CorpusProgress>?, ExperimentSuite> suite,
        IReadOnlyList<ExperimentKind> kinds, string folder, CancellationToken cancel)
    {
        if (Console.IsErrorRedirected) return suite(null).Run(kinds, folder, null, cancel);
        var console = Consoles.Stderr();
        IReadOnlyList<ExperimentOutcome> result = [];
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("conditions", maxValue: 1);
                ProgressTask? corpusTask = null;
                var corpus = new SyncProgress<CorpusProgress>(p =>
                {
                    lock (ctx)
                    {
                        corpusTask ??= ctx.AddTask("corpus", maxValue: Math.Max(1, p.Files));
                        corpusTask.Value = p.FilesDone;
                        corpusTask.Description = Markup.Escape($"corpus: {p.FilesDone}/{p.Files} files, {p.Documents} documents");
                    }
                });
                result = suite(corpus).Run(kinds, folder, new SyncProgress<SuiteProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = Markup.Escape($"{p.Done}/{p.Total} {p.Condition ?? ""}");
                }), cancel);
            });
        return result;
    }
}

/// <summary>An IProgress that calls back on the reporting thread (System.Progress posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
