using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;
using RelationNeurons.Method;
using RelationNeurons.Tests.Analysis;
using RelationNeurons.Tests.Experiments.Runners;

namespace RelationNeurons.Tests;

/// <summary>
/// Table 2 and Table 4 inside the experiments stage's shards, on the rule world (whose clean model
/// recalls facts 0-7, all of which flip with their relation's set off, so Table 4 has prompts to
/// continue): each shard asks its share of the questions, its answers go through JSON as the
/// stage stores them, and the merge, whose model counts every call, builds files byte-identical to
/// one process's while asking the model nothing.
/// </summary>
public sealed class ShardedTablesTests
{
    private static readonly ExperimentOptions Options = new()
    {
        RandomSeeds = 2, Random = RandomBaseline.LayerMatched, Sweep = CumulativitySweep.Scales, Statistics = new StatisticsSettings(200, 200, 0.95, 1),
    };

    private static readonly ExperimentKind[] Kinds = [ExperimentKind.Intra, ExperimentKind.Perplexity, ExperimentKind.ErrorTypes];

    /// <summary>Two object sentences per relation and language, starting with the relation's letter (the rule world's perplexity reads it).</summary>
    private static ExperimentInputs Inputs => RuleWorld.Inputs with
    {
        ObjectSentences = (from lang in RuleWorld.Languages from rel in RuleWorld.Relations from i in new[] { 1, 2 }
                           select new RelationObjectSentence(rel, lang, "x", $"{rel} object sentence {i}{new string('.', i * 3)}")).ToArray(),
    };

    private static ExperimentSuite Suite(string folder, RuleWorld model, ITextProbe probe) =>
        new(Inputs, Options, model, EvaluationStore.ForRun(folder, "salt"), new ExperimentServices(probe));

    /// <summary>Shard i's answers as the merge reads them: written and read back as JSON.</summary>
    private static ProbeAnswers ThroughJson(ProbeAnswers answers) =>
        System.Text.Json.JsonSerializer.Deserialize<ProbeAnswers>(ResultJson.Serialize(answers), ResultJson.Options)!;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(9)]
    public void ShardsAnswerTable2AndTable4AndTheMergeWritesTheUnshardedFilesWithoutTheModel(int n)
    {
        using var temp = new TempDirectory();
        var one = new RuleWorld();
        Suite(temp["one"], one, one).Run(Kinds, temp["one"]);

        var shardModels = Enumerable.Range(0, n).Select(_ => new RuleWorld()).ToList();
        var answers = shardModels.Select((m, i) => ThroughJson(Suite(temp["sharded"], m, m).EvaluateShare(Kinds, new Shard(i, n)).Answers)).ToList();
        var merge = new RuleWorld();
        Suite(temp["sharded"], merge, ProbeAnswers.Combine(answers).Replay()).Run(Kinds, temp["sharded"]);

        Assert.Empty(merge.Calls);
        foreach (string file in new[] { RunFiles.Perplexity, RunFiles.ErrorTypes, ExperimentKinds.FileName(ExperimentKind.Intra) })
            Assert.Equal(File.ReadAllBytes(Path.Combine(temp["one"], file)), File.ReadAllBytes(Path.Combine(temp["sharded"], file)));
        Assert.DoesNotContain("\"skipped\": \"", File.ReadAllText(Path.Combine(temp["sharded"], RunFiles.Perplexity)));
        // Every question is asked once over all shards: Table 2's 6 relations × (clean, set off, 2 random sets), Table 4's 6 × 8 flipped prompts.
        Assert.Equal(6 * 4, answers.Sum(a => a.Perplexities.Count));
        Assert.Equal(6, answers.Sum(a => a.Continuations.Count));
        Assert.Equal(one.Continued.Order(), shardModels.SelectMany(m => m.Continued).Order());
        Assert.Equal(6 * 8, one.Continued.Count);
        if (n > 1) Assert.True(answers.Count(a => a.Perplexities.Count > 0) > 1, "Table 2 was not split");
    }

    [Fact]
    public void AMergeWithoutAShardsAnswersIsRefused()
    {
        using var temp = new TempDirectory();
        var answers = Enumerable.Range(0, 2).Select(i => { var m = new RuleWorld(); return Suite(temp["sharded"], m, m).EvaluateShare(Kinds, new Shard(i, 2)).Answers; }).ToList();
        var merge = new RuleWorld();
        var e = Assert.Throws<UserInputException>(() => Suite(temp["sharded"], merge, answers[1].Replay()).Run(Kinds, temp["sharded"]));
        Assert.Contains("run the experiments shards again", e.Message);
        Assert.Empty(merge.Continued);
    }
}
