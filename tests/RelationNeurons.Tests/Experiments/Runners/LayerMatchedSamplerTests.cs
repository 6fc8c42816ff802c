using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;
using RelationNeurons.Models;

namespace RelationNeurons.Tests.Experiments.Runners;

public class LayerMatchedSamplerTests
{
    private static readonly LlamaConfig Config = new()
    {
        HiddenSize = 16, IntermediateSize = 40, NumHiddenLayers = 4, NumAttentionHeads = 2, NumKeyValueHeads = 1, VocabSize = 300,
    };

    private static NeuronId[] Ranked() =>
    [
        new(new(3, TapKind.MlpPost), 7), new(new(0, TapKind.MlpPost), 1), new(new(3, TapKind.MlpPost), 2),
        new(new(2, TapKind.Q), 5), new(new(0, TapKind.MlpPost), 39), new(new(3, TapKind.MlpPost), 30), new(new(2, TapKind.K), 3),
        .. Enumerable.Range(0, 20).Select(i => new NeuronId(new(1, TapKind.MlpPost), i)),
    ];

    private static Dictionary<HookPoint, int> Counts(IEnumerable<NeuronId> units) =>
        units.GroupBy(u => u.Hook).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void EveryPrefixHasTheRankedPrefixsLayerAndTapCounts()
    {
        var ranked = Ranked();
        var random = LayerMatchedSampler.Counterparts(ranked, Config, 42);
        for (int k = 1; k <= ranked.Length; k++)
            Assert.Equal(Counts(ranked.Take(k)).OrderBy(p => p.Key.Name), Counts(random.Take(k)).OrderBy(p => p.Key.Name));
        Assert.Equal(random.Length, random.Distinct().Count());
        Assert.All(random, u => Assert.InRange(u.Index, 0, TapShapes.Width(Config, u.Hook) - 1));
    }

    [Fact]
    public void SeedsAreReproducibleAndDistinct()
    {
        var ranked = Ranked();
        Assert.Equal(LayerMatchedSampler.Counterparts(ranked, Config, 1), LayerMatchedSampler.Counterparts(ranked, Config, 1));
        Assert.NotEqual(LayerMatchedSampler.Counterparts(ranked, Config, 1), LayerMatchedSampler.Counterparts(ranked, Config, 2));
    }

    [Fact]
    public void DrawsAreUniformWithinATap()
    {
        // 3 units of a 40-wide tap, 4000 seeds: each unit expected 300 times.
        NeuronId[] ranked = [new(new(2, TapKind.MlpPre), 0), new(new(2, TapKind.MlpPre), 1), new(new(2, TapKind.MlpPre), 2)];
        var hits = new int[40];
        for (ulong s = 0; s < 4000; s++)
            foreach (var u in LayerMatchedSampler.Counterparts(ranked, Config, s)) hits[u.Index]++;
        double chi2 = hits.Sum(h => (h - 300.0) * (h - 300.0) / 300.0);
        Assert.True(chi2 < 80, $"chi-square {chi2:F1} with 39 degrees of freedom"); // p ≈ 1e-4
    }

    [Fact]
    public void PlannerRandomSetsAreLayerMatchedToTheirRelationsSet()
    {
        var set = new RankedNeuronSet("A", "en", Ranked());
        var inputs = new ExperimentInputs(Config, RuleWorld.TestPrompts.Where(p => p.Relation == "A").ToArray(), new NeuronSetCollection([set]));
        var planner = new ConditionPlanner(inputs, new ExperimentOptions());
        var full = planner.Random("A", "en", 2).Intervention!.Neurons;
        Assert.Equal(Counts(set.Neurons).OrderBy(p => p.Key.Name), Counts(full).OrderBy(p => p.Key.Name));
        var prefix = planner.RandomPrefix("A", "en", 5, 2).Intervention!.Neurons;
        Assert.Equal(full.Take(5), prefix);
        Assert.NotEqual(full, planner.Random("A", "en", 3).Intervention!.Neurons);
    }
}
