using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Evaluation;

public class PromptValidationTests
{
    /// <summary>Answers a prompt right exactly when its fact id says so ("..-right"), and counts its calls.</summary>
    private sealed class ScriptedEvaluator : IConditionEvaluator
    {
        public int Calls;
        public EvaluationResult Evaluate(string condition, IReadOnlyList<Prompt> prompts, Intervention? intervention)
        {
            Calls++;
            return EvaluationResult.Create(condition, prompts.Select(p =>
                new PromptOutcome(p.Relation, p.Language, p.FactId, p.Text, "x", p.FactId.EndsWith("-right", StringComparison.Ordinal))).ToList());
        }
    }

    private static Prompt P(string relation, string language, int i, bool right) => new()
    {
        Relation = relation, Language = language, FactId = $"{relation}-{i}-{(right ? "right" : "wrong")}", TemplateIndex = 0,
        Template = "{} is? Answer:", Subject = $"s{i}", Object = "o", Text = $"s{i} is? Answer:", Answers = ["o"], Split = PromptSplit.Identification,
    };

    [Fact]
    public void KeepsExactlyThePromptsAnsweredRightInOrderAndCountsThem()
    {
        var prompts = new List<Prompt>();
        for (int i = 0; i < 30; i++) prompts.Add(P(i % 3 == 0 ? "a" : "b", i % 2 == 0 ? "en" : "de", i, right: i % 4 != 1));
        prompts.Add(P("c", "en", 99, right: false));
        var evaluator = new ScriptedEvaluator();
        var seen = new List<(int, int)>();
        var result = PromptValidation.Run(evaluator, prompts, new Progress(seen), chunk: 7);
        Assert.Equal(prompts.Where(p => p.FactId.EndsWith("-right", StringComparison.Ordinal)), result.Kept);
        Assert.Equal(5, evaluator.Calls);
        Assert.Equal((31, 31), seen[^1]);
        foreach (var c in result.Counts)
        {
            Assert.Equal(prompts.Count(p => p.Relation == c.Relation && p.Language == c.Language), c.Before);
            Assert.Equal(result.Kept.Count(p => p.Relation == c.Relation && p.Language == c.Language), c.After);
        }
        Assert.Equal([("c", "en")], result.Emptied.Select(c => (c.Relation, c.Language)));
    }

    [Fact]
    public void TheKojimaProtocolReproducesTheSettingsOfRunsMadeBeforeTheProtocolExisted()
    {
        // run.json "options" as written by the last version before the protocol setting (commit fbcbc23), default flags.
        var legacy = new Dictionary<string, string>
        {
            ["bootstrap_resamples"] = "10000", ["confidence_level"] = "0.95", ["cumulativity_languages"] = "all", ["cumulativity_max_unit_share"] = "0.25",
            ["cumulativity_random_seeds"] = "1", ["cumulativity_scales"] = "0.0625,0.125,0.25,0.5,1,2,4,8,16",
            ["experiments"] = "intra,inter,cumulativity,overlap,crosslingual", ["languages"] = "all", ["max_identification_prompts"] = "all",
            ["max_new_tokens"] = "8", ["permutation_resamples"] = "10000", ["random_seeds"] = "3", ["relation_ids"] = "all", ["relations"] = "/data/relations",
            ["seed"] = "0", ["selection"] = "both", ["selection_count"] = "fraction", ["selection_fraction"] = "paper", ["split_seed"] = "0",
            ["statistics_seed"] = "20250224", ["test_size"] = "auto", ["units"] = "linear", ["value"] = "zero",
        };
        var kojima = new RelationNeurons.Runs.RunOptions { Model = "m", Relations = "/data/relations", OutFolder = "out", Protocol = Protocol.Kojima };
        Assert.Equal(kojima.Settings(), RelationNeurons.Runs.RunManifest.Upgrade(legacy));
        var paper = kojima with { Protocol = Protocol.Paper };
        Assert.NotEqual(paper.Settings(), RelationNeurons.Runs.RunManifest.Upgrade(legacy));
        var s = paper.Settings();
        Assert.Equal(("paper", "ffn", "top", "2", "prefix-of-answer", "4x", "uniform", "10", "on"),
            (s["protocol"], s["units"], s["mode"], s["max_new_tokens"], s["match"], s["negatives"], s["random"], s["random_seeds"], s["validation"]));
    }

    private sealed class Progress(List<(int, int)> seen) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => seen.Add(value);
    }
}
