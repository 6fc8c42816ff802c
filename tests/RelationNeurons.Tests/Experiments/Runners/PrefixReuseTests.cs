using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;

namespace RelationNeurons.Tests.Experiments.Runners;

/// <summary>Intervened conditions resumed from the clean run's prefix cache score exactly as full runs.</summary>
public class PrefixReuseTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    private static Intervention Units(params (int Layer, int First, int Count)[] ranges) =>
        Intervention.Deactivate(ranges.SelectMany(r => Enumerable.Range(r.First, r.Count).Select(i => new NeuronId(new HookPoint(r.Layer, TapKind.MlpPost), i))).ToArray());

    private static readonly Intervention[] Conditions =
    [
        Units((0, 0, 40), (2, 0, 40)),
        Units((1, 0, 48)),
        Units((2, 5, 30)),
        Intervention.Constant([new NeuronId(new HookPoint(1, TapKind.Q), 3), new NeuronId(new HookPoint(2, TapKind.MlpPost), 1)], 2.5f),
    ];

    [Fact]
    public void EveryConditionScoresAsWithoutReuse()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var prompts = World.AllPrompts;
        var plain = new Evaluator(model, tokenizer, new EvaluationOptions { ReuseCleanPrefix = false });
        var reuse = new Evaluator(model, tokenizer);
        Assert.Equal(plain.Evaluate(ConditionLabel.Clean, prompts, null), reuse.Evaluate(ConditionLabel.Clean, prompts, null), ResultComparer.Instance);
        Assert.Null(plain.CleanPrefix);
        Assert.Equal(prompts.Select(p => p.Text).Distinct().Count(), reuse.CleanPrefix!.Count);
        Assert.Equal(Enumerable.Range(0, model.Config.NumHiddenLayers), reuse.CleanPrefix.Layers);

        bool anyChange = false;
        var clean = reuse.Evaluate(ConditionLabel.Clean, prompts, null); // a second clean run resumes from the cache
        foreach (var c in Conditions)
        {
            var expected = plain.Evaluate("x", prompts, c);
            Assert.Equal(expected, reuse.Evaluate("x", prompts, c), ResultComparer.Instance);
            anyChange |= expected.Outcomes.Zip(clean.Outcomes).Any(p => p.First.Generated != p.Second.Generated);
        }
        Assert.True(anyChange, "no condition changed any continuation: the comparison would not cover departures from the clean path");
        // A subset (as a cumulativity condition has) resumes too.
        var subset = prompts.Where((_, i) => i % 3 == 0).ToArray();
        Assert.Equal(plain.Evaluate("x", subset, Conditions[1]), reuse.Evaluate("x", subset, Conditions[1]), ResultComparer.Instance);
    }

    [Fact]
    public void PrepareBuildsTheCacheAndATightBudgetFallsBackToFullRuns()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var prompts = World.AllPrompts;
        var plain = new Evaluator(model, tokenizer, new EvaluationOptions { ReuseCleanPrefix = false });

        var prepared = new Evaluator(model, tokenizer);
        prepared.Prepare(prompts);
        Assert.NotNull(prepared.CleanPrefix);
        Assert.Equal(plain.Evaluate("x", prompts, Conditions[0]), prepared.Evaluate("x", prompts, Conditions[0]), ResultComparer.Instance);

        using var tight = LlamaModel.Load(World.ModelFolder, new EngineOptions { MaxPrefixCacheBytes = 1 });
        var starved = new Evaluator(tight, tokenizer);
        Assert.Equal(plain.Evaluate(ConditionLabel.Clean, prompts, null), starved.Evaluate(ConditionLabel.Clean, prompts, null), ResultComparer.Instance);
        Assert.Null(starved.CleanPrefix);
        Assert.Equal(plain.Evaluate("x", prompts, Conditions[1]), starved.Evaluate("x", prompts, Conditions[1]), ResultComparer.Instance);
    }

    [Fact]
    public void TheSuitePreparesOnlyWhenTheCleanResultWasStored()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-prefix-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new ExperimentOptions { RandomSeeds = 1, CumulativityScales = [0.5, 1.0] };
            var store = EvaluationStore.ForRun(folder, "salt");
            var first = new RuleWorld();
            new ExperimentSuite(RuleWorld.Inputs, options, first, store).Run([ExperimentKind.Intra], folder);
            Assert.Empty(first.Prepared); // clean was evaluated, first

            // Two intervened evaluations lost: prepared once, with the prompts they cover.
            var lost = Directory.GetFiles(Path.Combine(folder, RunFiles.EvaluationsFolder), "*.key").Where(f => !Path.GetFileName(f).StartsWith("clean", StringComparison.Ordinal)).Take(2).ToArray();
            foreach (var f in lost) File.Delete(f);
            var second = new RuleWorld();
            new ExperimentSuite(RuleWorld.Inputs, options, second, store).Run([ExperimentKind.Intra], folder);
            Assert.Equal(2, second.Calls.Count);
            var prepared = Assert.Single(second.Prepared);
            Assert.NotEmpty(prepared);
            Assert.Equal(prepared.Count, prepared.Distinct().Count());

            // Nothing to evaluate: nothing prepared.
            var third = new RuleWorld();
            new ExperimentSuite(RuleWorld.Inputs, options, third, store).Run([ExperimentKind.Intra], folder);
            Assert.Empty(third.Calls);
            Assert.Empty(third.Prepared);
        }
        finally { Directory.Delete(folder, true); }
    }

    private sealed class ResultComparer : IEqualityComparer<EvaluationResult>
    {
        public static readonly ResultComparer Instance = new();
        public bool Equals(EvaluationResult? x, EvaluationResult? y) =>
            x is not null && y is not null && x.Outcomes.SequenceEqual(y.Outcomes) && x.Accuracy.SequenceEqual(y.Accuracy);
        public int GetHashCode(EvaluationResult obj) => obj.Outcomes.Count;
    }
}
