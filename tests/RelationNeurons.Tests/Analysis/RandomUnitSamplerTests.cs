using RelationNeurons.Analysis;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;
using RelationNeurons.Method;
using RelationNeurons.Models;
using RelationNeurons.Tests.Experiments.Runners;

namespace RelationNeurons.Tests.Analysis;

public class RandomUnitSamplerTests
{
    private static readonly LlamaConfig Config = new()
    {
        HiddenSize = 16, IntermediateSize = 40, NumHiddenLayers = 4, NumAttentionHeads = 2, NumKeyValueHeads = 1, VocabSize = 300,
    };

    private static readonly UnitSpace Units = UnitSpace.For(Config, [TapKind.Q, TapKind.K, TapKind.MlpPre, TapKind.MlpPost]);

    private static NeuronId[] Ranked() =>
    [
        new(new(3, TapKind.MlpPost), 7), new(new(0, TapKind.MlpPost), 1), new(new(3, TapKind.MlpPost), 2),
        new(new(2, TapKind.Q), 5), new(new(0, TapKind.MlpPost), 39), new(new(3, TapKind.MlpPost), 30), new(new(2, TapKind.K), 3),
        .. Enumerable.Range(0, 20).Select(i => new NeuronId(new(1, TapKind.MlpPost), i)),
    ];

    private static Dictionary<HookPoint, int> Counts(IEnumerable<NeuronId> units) =>
        units.GroupBy(u => u.Hook).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void LayerMatchedPrefixesHaveTheRankedPrefixsLayerAndTapCounts()
    {
        var ranked = Ranked();
        var random = RandomUnitSampler.LayerMatched(ranked, Units, 42);
        for (int k = 1; k <= ranked.Length; k++)
            Assert.Equal(Counts(ranked.Take(k)).OrderBy(p => p.Key.Name), Counts(random.Take(k)).OrderBy(p => p.Key.Name));
        Assert.Equal(random.Length, random.Distinct().Count());
        Assert.All(random, u => Assert.InRange(u.Index, 0, TapShapes.Width(Config, u.Hook) - 1));
    }

    [Fact]
    public void SeedsAreReproducibleAndDistinct()
    {
        var ranked = Ranked();
        Assert.Equal(RandomUnitSampler.LayerMatched(ranked, Units, 1), RandomUnitSampler.LayerMatched(ranked, Units, 1));
        Assert.NotEqual(RandomUnitSampler.LayerMatched(ranked, Units, 1), RandomUnitSampler.LayerMatched(ranked, Units, 2));
        Assert.Equal(RandomUnitSampler.Uniform(Units, 30, 1), RandomUnitSampler.Uniform(Units, 30, 1));
        Assert.NotEqual(RandomUnitSampler.Uniform(Units, 30, 1), RandomUnitSampler.Uniform(Units, 30, 2));
    }

    [Fact]
    public void LayerMatchedDrawsAreUniformWithinATap()
    {
        // 3 units of a 40-wide tap, 4000 seeds: each unit expected 300 times.
        NeuronId[] ranked = [new(new(2, TapKind.MlpPre), 0), new(new(2, TapKind.MlpPre), 1), new(new(2, TapKind.MlpPre), 2)];
        var hits = new int[40];
        for (ulong s = 0; s < 4000; s++)
            foreach (var u in RandomUnitSampler.LayerMatched(ranked, Units, s)) hits[u.Index]++;
        double chi2 = hits.Sum(h => (h - 300.0) * (h - 300.0) / 300.0);
        Assert.True(chi2 < 80, $"chi-square {chi2:F1} with 39 degrees of freedom"); // p ≈ 1e-4
    }

    [Fact]
    public void UniformDrawsAreDistinctNestedAndUniformOverTheWholeUnitSet()
    {
        // 4 layers × (16 + 8 + 40 + 40) = 416 units; 5 units per draw, 8320 seeds: each unit expected 100 times.
        Assert.Equal(416, Units.TotalUnits);
        var all = RandomUnitSampler.Uniform(Units, 416, 7);
        Assert.Equal(416, all.Distinct().Count());
        Assert.Equal(all.Take(9), RandomUnitSampler.Uniform(Units, 9, 7));
        var hits = new int[416];
        for (ulong s = 0; s < 8320; s++)
            foreach (var u in RandomUnitSampler.Uniform(Units, 5, s)) hits[Units.Encode(u)]++;
        double chi2 = hits.Sum(h => (h - 100.0) * (h - 100.0) / 100.0);
        Assert.True(chi2 < 520, $"chi-square {chi2:F1} with 415 degrees of freedom"); // p ≈ 4e-4
    }

    [Theory]
    [InlineData(RandomBaseline.LayerMatched)]
    [InlineData(RandomBaseline.Uniform)]
    public void PlannerRandomSetsAreNestedAndDrawnAsTheProtocolSays(RandomBaseline kind)
    {
        var set = new RankedNeuronSet("A", "en", Ranked());
        var inputs = new ExperimentInputs(Config, RuleWorld.TestPrompts.Where(p => p.Relation == "A").ToArray(), new NeuronSetCollection([set], taps: Units.Taps.Select(t => t.Kind).ToArray()));
        var planner = new ConditionPlanner(inputs, new ExperimentOptions { Random = kind, RandomSeeds = 3 });
        var full = planner.Random("A", "en", 2).Intervention!.Neurons;
        if (kind == RandomBaseline.LayerMatched) Assert.Equal(Counts(set.Neurons).OrderBy(p => p.Key.Name), Counts(full).OrderBy(p => p.Key.Name));
        else Assert.Equal(RandomUnitSampler.Uniform(Units, set.Count, RandomUnitSampler.SeedFor(0, "A", "en", 2)), full);
        var prefix = planner.RandomPrefix("A", "en", 5, 2).Intervention!.Neurons;
        Assert.Equal(full.Take(5), prefix);
        Assert.NotEqual(full, planner.Random("A", "en", 3).Intervention!.Neurons);
    }
}
