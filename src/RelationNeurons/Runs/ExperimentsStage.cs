using RelationNeurons.Analysis;
using RelationNeurons.IO;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Runners;

namespace RelationNeurons.Runs;

/// <summary>
/// Evaluates every condition the chosen experiments need (stored per condition in
/// <c>evaluations/</c>, so an interrupted stage resumes) and writes their result files.
/// Sharded by conditions, Table 2's and Table 4's model questions and App E's corpus files
/// (<see cref="ExperimentShards"/>); the merge is the unsharded stage with the shards' answers and
/// counts in place of the model's and the corpus's, so it finds everything and only builds the files.
/// </summary>
public sealed class ExperimentsStage : IShardedStage
{
    public string Name => "experiments";

    public IReadOnlyList<string> Inputs(RunLayout layout) =>
        [layout.TestPrompts, layout.AlternativeTestPrompts, layout.ObjectSentences, layout.ValidatedPrompts, layout.NeuronSets,
         Path.Combine(layout.Expertise, ExpertiseManifest.FileName)];

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
        Finish(context, Suite(context, progress), progress, cancellationToken);

    /// <summary>Evaluates what is not stored yet (nothing, after shards), builds and writes every result file.</summary>
    private static IReadOnlyList<string> Finish(RunContext context, ExperimentSuite suite, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var layout = context.Layout;
        var outcomes = suite.Run(context.Options.ExperimentKinds, layout.Root, new SuiteProgressAdapter(progress), cancellationToken);
        foreach (var o in outcomes.Where(o => o.SkipReason is not null))
            context.Notes.Add($"{ExperimentKinds.Name(o.Kind)} experiment {(o.Result is null ? "skipped" : "not computed")}: {o.SkipReason}");
        return outcomes.Where(o => o.File is not null).Select(o => Path.GetRelativePath(layout.Root, o.File!)).ToArray();
    }

    public ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
        ExperimentShards.Run(Suite(context, progress), context.Options.ExperimentKinds, shard, folder, context.Options.MaxThreads,
            new SuiteProgressAdapter(progress), new CorpusProgressAdapter(progress), cancellationToken);

    public IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
        Finish(context, Suite(context, progress, (shards, folder)), progress, cancellationToken);

    /// <summary>The suite over the run folder; after <paramref name="shards"/>, with their answers and corpus counts in place of the model's and the corpus's.</summary>
    private static ExperimentSuite Suite(RunContext context, IProgress<StageProgress> progress, (IReadOnlyList<ShardManifest>, ShardFolder)? shards = null)
    {
        var inputs = Inputs(context);
        var evaluator = new Evaluator(context.Model, context.Tokenizer, context.Options.Evaluation);
        var services = new ExperimentServices(evaluator, new CorpusProgressAdapter(progress));
        if (shards is var (manifests, folder))
            services = ExperimentShards.Merged(new ConditionPlanner(inputs, context.Options.Experiments), context.Options.ExperimentKinds, manifests, folder, services);
        return new ExperimentSuite(inputs, context.Options.Experiments, evaluator, EvaluationStore.ForRun(context.Layout.Root, EvaluationSalt(context)), services);
    }

    private static ExperimentInputs Inputs(RunContext context)
    {
        var layout = context.Layout;
        if (!File.Exists(layout.NeuronSets))
            throw new UserInputException($"{layout.NeuronSets}: no neuron sets; the selection stage writes them (relneurons select)");
        // The expertise ranking carries the cumulativity sweep beyond the selected sets.
        bool ranked = File.Exists(Path.Combine(layout.Expertise, ExpertiseManifest.FileName));
        // Fig 3b repeats the intra-relation experiment on (a sample of) the validated detection prompts.
        var detection = File.Exists(layout.ValidatedPrompts) ? context.Options.Experiments.SampleDetectionPrompts(PromptFile.Read(layout.ValidatedPrompts)) : null;
        return new ExperimentInputs(context.Model.Config, PromptFile.Read(layout.TestPrompts), NeuronSetLoader.Load(layout.NeuronSets),
            Ranking: ranked ? new ExpertiseRanking(layout.Expertise) : null, DetectionPrompts: detection)
            .WithRunFiles(layout, context.Options.Corpus, context.Model.Directory);
    }

    private static string EvaluationSalt(RunContext context) =>
        EvaluationStore.Salt(context.Fingerprint.WeightsSha256, context.Options.Evaluation, context.Options.Compute);

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
