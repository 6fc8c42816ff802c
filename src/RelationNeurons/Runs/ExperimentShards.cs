using RelationNeurons.Analysis;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.IO;

namespace RelationNeurons.Runs;

/// <summary>
/// The shards of an experiment suite and their merge, for <c>run</c>'s experiments stage and the
/// standalone <c>experiment</c> verb alike. A shard evaluates its share of the conditions into the
/// evaluation store and asks its share of Table 2's and Table 4's questions
/// (<see cref="ExperimentSuite.EvaluateShare"/>; answers in <c>shard-i-of-n.answers.json</c>),
/// and counts its share of App E's corpus files for every candidate fact (<c>shard-i-of-n.corpus.json</c>).
/// The merge is the unsharded suite with <see cref="Merged"/> services: it finds every condition
/// stored, takes the tables' answers and the corpus counts from the shards' files, and so asks
/// the model nothing and reads no corpus file.
/// </summary>
public static class ExperimentShards
{
    private const string CorpusSuffix = ".corpus.json";
    private const string AnswersSuffix = ".answers.json";

    public static ShardShare Run(ExperimentSuite suite, IReadOnlyList<ExperimentKind> kinds, Shard shard, ShardFolder folder, int maxThreads,
        IProgress<SuiteProgress>? progress, IProgress<CorpusProgress>? corpusProgress, CancellationToken cancellationToken)
    {
        var (first, count, total, answers) = suite.EvaluateShare(kinds, shard, progress, cancellationToken);
        AtomicFile.WriteAllText(folder.DataPath(shard, AnswersSuffix), ResultJson.Serialize(answers) + "\n");
        if (CountsCorpus(kinds, suite.Planner))
        {
            var files = CooccurrenceCounter.Files(suite.Planner.Inputs.Corpus!);
            var (firstFile, fileCount) = shard.Range(files.Length);
            var counts = CooccurrenceCounter.CountFiles(files.Skip(firstFile).Take(fileCount).ToArray(), FrequencyRunner.CandidateFacts(suite.Planner),
                corpusProgress, maxThreads > 0 ? maxThreads : null, cancellationToken);
            AtomicFile.WriteAllText(folder.DataPath(shard, CorpusSuffix), ResultJson.Serialize(CorpusShare.Of(counts)) + "\n");
        }
        return new ShardShare(first, count, total);
    }

    /// <summary><paramref name="services"/> with the shards' answers as the tables' probe and their corpus counts added up as App E's.</summary>
    public static ExperimentServices Merged(ConditionPlanner planner, IReadOnlyList<ExperimentKind> kinds, IReadOnlyList<ShardManifest> shards,
        ShardFolder folder, ExperimentServices services)
    {
        var answers = ProbeAnswers.Combine(shards.Select(s => ShardFolder.ReadJson<ProbeAnswers>(folder.DataPath(s.Shard, AnswersSuffix), ResultJson.Options)
            ?? throw new UserInputException($"{folder.DataPath(s.Shard, AnswersSuffix)}: missing or malformed; delete {folder.ManifestPath(s.Shard)} " +
                $"and run shard {s.Shard} again (a shard made before shards answered Table 2 and Table 4 has no such file)")));
        CooccurrenceCounts? corpus = null;
        if (CountsCorpus(kinds, planner))
        {
            var candidates = FrequencyRunner.CandidateFacts(planner);
            corpus = CooccurrenceCounts.Sum(shards.Select(s => ReadCorpusShare(folder.DataPath(s.Shard, CorpusSuffix), candidates)).ToList(), planner.Inputs.Corpus!);
        }
        // App E asks for counts only when it counts a corpus, and then the shards made them.
        return services with
        {
            Probe = answers.Replay(),
            CorpusCounts = facts => (corpus ?? throw new InvalidOperationException("App E asked for corpus counts the shards did not make")).For(facts),
        };
    }

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

    /// <summary>Whether App E, among these experiments, counts a corpus.</summary>
    private static bool CountsCorpus(IReadOnlyList<ExperimentKind> kinds, ConditionPlanner planner) =>
        kinds.Contains(ExperimentKind.Frequency) && FrequencyRunner.CountsCorpus(planner);
}
