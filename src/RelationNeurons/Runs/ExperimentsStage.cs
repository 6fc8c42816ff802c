using System.Text.Json;
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
/// Sharded by conditions: a shard evaluates its contiguous share of the plan into the same
/// store (one file per condition, so shards never write the same file); the merge is the
/// unsharded stage, which finds every condition stored and builds the result files. App E's corpus
/// count is sharded too, by corpus files: each shard counts its contiguous share of the files for
/// every candidate fact (<c>shards/experiments/shard-i-of-n.corpus.json</c>), and the merge adds
/// the shares up instead of reading the corpus again. Table 2 and Table 4 ask the model for
/// perplexities and continuations: each shard asks its share of those questions too
/// (<see cref="ExperimentSuite.EvaluateShare"/>) and stores the answers (<c>shard-i-of-n.answers.json</c>),
/// and the merge builds both tables from the stored answers, asking the model nothing.
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

    public ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var suite = Suite(context, progress);
        var (first, count, total, answers) = suite.EvaluateShare(context.Options.ExperimentKinds, shard, new SuiteProgressAdapter(progress), cancellationToken);
        AtomicFile.WriteAllText(folder.DataPath(shard, AnswersSuffix), ResultJson.Serialize(answers) + "\n");
        if (CountsCorpus(context, suite.Planner))
        {
            var files = CooccurrenceCounter.Files(suite.Planner.Inputs.Corpus!);
            var (firstFile, fileCount) = shard.Range(files.Length);
            var counts = CooccurrenceCounter.CountFiles(files.Skip(firstFile).Take(fileCount).ToArray(), FrequencyRunner.CandidateFacts(suite.Planner),
                new CorpusProgressAdapter(progress), context.Options.MaxThreads > 0 ? context.Options.MaxThreads : null, cancellationToken);
            AtomicFile.WriteAllText(folder.DataPath(shard, CorpusSuffix), ResultJson.Serialize(CorpusShare.Of(counts)) + "\n");
        }
        return new ShardShare(first, count, total);
    }

    public IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        // The shards' corpus counts, added up once the planner names the candidate facts; App E asks only when it counts a corpus.
        CooccurrenceCounts? corpus = null;
        var answers = ProbeAnswers.Combine(shards.Select(s => ShardFolder.ReadJson<ProbeAnswers>(folder.DataPath(s.Shard, AnswersSuffix), ResultJson.Options)
            ?? throw new UserInputException($"{folder.DataPath(s.Shard, AnswersSuffix)}: missing or malformed; run shard {s.Shard} again")));
        var suite = Suite(context, progress, facts => (corpus ?? throw new InvalidOperationException("App E asked for corpus counts the shards did not make")).For(facts),
            answers.Replay());
        if (CountsCorpus(context, suite.Planner))
        {
            var candidates = FrequencyRunner.CandidateFacts(suite.Planner);
            corpus = CooccurrenceCounts.Sum(shards.Select(s => ReadCorpusShare(folder.DataPath(s.Shard, CorpusSuffix), candidates)).ToList(), suite.Planner.Inputs.Corpus!);
        }
        return Finish(context, suite, progress, cancellationToken);
    }

    private const string CorpusSuffix = ".corpus.json";
    private const string AnswersSuffix = ".answers.json";

    /// <summary>A shard's corpus counts: its files and documents, and every candidate fact's count, in candidate order.</summary>
    private sealed record CorpusShare(int Files, long Documents, IReadOnlyList<string> Facts, IReadOnlyList<long> Counts)
    {
        public static CorpusShare Of(CooccurrenceCounts c) =>
            new(c.Files, c.Documents, c.Facts.Select(f => $"{f.Fact.Relation}/{f.Fact.FactId}").ToList(), c.Facts.Select(f => f.Documents).ToList());
    }

    private static CooccurrenceCounts ReadCorpusShare(string path, IReadOnlyList<CooccurrenceFact> candidates)
    {
        var share = ShardFolder.ReadJson<CorpusShare>(path, ResultJson.Options);
        if (share is null || share.Counts.Count != candidates.Count || !share.Facts.SequenceEqual(candidates.Select(f => $"{f.Relation}/{f.FactId}")))
            throw new UserInputException($"{path}: missing, or not the corpus counts of this run's facts; run that shard again");
        return new CooccurrenceCounts(share.Files, share.Documents, candidates.Select((f, i) => new FactFrequency(f, share.Counts[i])).ToList());
    }

    /// <summary>Whether App E, among this run's experiments, counts a corpus.</summary>
    private static bool CountsCorpus(RunContext context, ConditionPlanner planner) =>
        context.Options.ExperimentKinds.Contains(ExperimentKind.Frequency) && FrequencyRunner.CountsCorpus(planner);

    private static ExperimentSuite Suite(RunContext context, IProgress<StageProgress> progress,
        Func<IReadOnlyList<CooccurrenceFact>, CooccurrenceCounts>? corpusCounts = null, ITextProbe? probe = null)
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
        // Table 2's and Table 4's questions go to the model, or after shards to their stored answers.
        var services = new ExperimentServices(probe ?? evaluator, new CorpusProgressAdapter(progress)) { CorpusCounts = corpusCounts };
        return new ExperimentSuite(inputs, context.Options.Experiments, evaluator, store, services);
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
