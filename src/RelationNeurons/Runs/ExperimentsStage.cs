using RelationNeurons.Analysis;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Runners;

namespace RelationNeurons.Runs;

/// <summary>
/// Evaluates every condition the chosen experiments need (stored per condition in
/// <c>evaluations/</c>, so an interrupted stage resumes) and writes their result files.
/// Sharded by conditions: a shard evaluates its contiguous share of the plan into the same
/// store (one file per condition, so shards never write the same file); the merge is the
/// unsharded stage, which finds every condition stored and builds the result files.
/// </summary>
public sealed class ExperimentsStage : IShardedStage
{
    public string Name => "experiments";

    public IReadOnlyList<string> Inputs(RunLayout layout) =>
        [layout.TestPrompts, layout.AlternativeTestPrompts, layout.ObjectSentences, layout.ValidatedPrompts, layout.NeuronSets,
         Path.Combine(layout.Expertise, ExpertiseManifest.FileName)];

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var layout = context.Layout;
        var outcomes = Suite(context, progress).Run(context.Options.ExperimentKinds, layout.Root,
            new SuiteProgressAdapter(progress), cancellationToken);
        foreach (var o in outcomes.Where(o => o.SkipReason is not null))
            context.Notes.Add($"{ExperimentKinds.Name(o.Kind)} experiment {(o.Result is null ? "skipped" : "not computed")}: {o.SkipReason}");
        return outcomes.Where(o => o.File is not null).Select(o => Path.GetRelativePath(layout.Root, o.File!)).ToArray();
    }

    public ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var (first, count, total) = Suite(context, progress).EvaluateShare(context.Options.ExperimentKinds, shard, new SuiteProgressAdapter(progress), cancellationToken);
        return new ShardShare(first, count, total);
    }

    public IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
        Run(context, progress, cancellationToken);

    private static ExperimentSuite Suite(RunContext context, IProgress<StageProgress> progress)
    {
        var layout = context.Layout;
        if (!File.Exists(layout.NeuronSets))
            throw new UserInputException($"{layout.NeuronSets}: no neuron sets; the selection stage writes them (relneurons select)");
        // The expertise ranking carries the cumulativity sweep beyond the selected sets.
        bool ranked = File.Exists(Path.Combine(layout.Expertise, ExpertiseManifest.FileName));
        // Fig 3b repeats the intra-relation experiment on (a sample of) the validated detection prompts.
        var detection = File.Exists(layout.ValidatedPrompts) ? context.Options.Experiments.SampleDetectionPrompts(PromptFile.Read(layout.ValidatedPrompts)) : null;
        var inputs = new ExperimentInputs(context.Model.Config, PromptFile.Read(layout.TestPrompts), NeuronSetLoader.Load(layout.NeuronSets),
            Ranking: ranked ? new ExpertiseRanking(layout.Expertise) : null, DetectionPrompts: detection)
            .WithRunFiles(layout, context.Options.Corpus, context.Model.Directory);
        var evaluator = new Evaluator(context.Model, context.Tokenizer, context.Options.Evaluation);
        var store = EvaluationStore.ForRun(layout.Root, EvaluationSalt(context));
        var services = new ExperimentServices(evaluator, new CorpusProgressAdapter(progress));
        return new ExperimentSuite(inputs, context.Options.Experiments, evaluator, store, services);
    }

    private static string EvaluationSalt(RunContext context) =>
        EvaluationStore.Salt(context.Fingerprint.WeightsSha256, context.Options.Evaluation);

    private sealed class CorpusProgressAdapter(IProgress<StageProgress> progress) : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress value) =>
            progress.Report(new StageProgress((double)value.FilesDone / Math.Max(1, value.Files), $"corpus: {value.FilesDone}/{value.Files} files, {value.Documents} documents"));
    }

    private sealed class SuiteProgressAdapter(IProgress<StageProgress> progress) : IProgress<SuiteProgress>
    {
        public void Report(SuiteProgress value) =>
            progress.Report(new StageProgress(value.Total == 0 ? 1 : (double)value.Done / value.Total, $"{value.Done}/{value.Total} conditions"));
    }
}
