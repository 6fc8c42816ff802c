using RelationNeurons.Analysis;
using RelationNeurons.Hooks;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Analysis;

public class NeuronSelectorTests
{
    private static readonly UnitSpace Space = new(3, [new TapWidth(TapKind.Q, 4), new TapWidth(TapKind.MlpPost, 10)]);

    private static TaskExpertise Task(string name, float[] ap) =>
        new(new ExpertiseTaskEntry { Name = name, Relation = name, Positives = 1, Negatives = 1, File = name + ".safetensors" },
            ap, ap.Select(a => a + 1).ToArray(), ap.Select(a => a - 1).ToArray());

    private static float[] RandomAp(int seed, int distinct = 1000)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (int)Space.TotalUnits).Select(_ => rng.Next(distinct) / (float)distinct).ToArray();
    }

    [Fact]
    public void RankIsApDescendingWithTiesInUnitOrder()
    {
        long[] ranked = NeuronSelector.Rank([0.5f, 0.9f, 0.5f, 0.1f, 0.9f]);
        Assert.Equal([1L, 4, 0, 2, 3], ranked);
    }

    [Theory]
    [InlineData(SelectionMode.Both, 7, 4, 3)]
    [InlineData(SelectionMode.Top, 5, 5, 0)]
    [InlineData(SelectionMode.Bottom, 6, 0, 6)]
    public void EndsOfTheRanking(SelectionMode mode, long n, long expectTop, long expectBottom)
    {
        float[] ap = RandomAp(1, distinct: 7); // many ties
        var sets = NeuronSelector.Select(Space, [Task("a", ap)], new SelectionOptions { Mode = mode, Count = n, RandomSeeds = 0 });
        Assert.Equal(expectTop, sets.TopCount);
        Assert.Equal(expectBottom, sets.BottomCount);
        var units = sets.Relations[0].Units;
        Assert.Equal(n, units.Count);
        long[] ranked = NeuronSelector.Rank(ap);
        long Unit(SelectedUnit u) => Space.Encode(Space.TapIndex(UnitSets.ParseSuffix(u.Tap)), u.Layer, u.Index);
        Assert.Equal(ranked.Take((int)expectTop), units.Where(u => u.End == "top").Select(Unit));
        Assert.Equal(ranked.Reverse().Take((int)expectBottom), units.Where(u => u.End == "bottom").Select(Unit));
        foreach (var u in units)
        {
            Assert.Equal(ap[Unit(u)], u.Ap);
            Assert.Equal(ap[Unit(u)] + 1, u.MedianPos);
        }
        // Every top unit's AP is at least every unselected unit's, every bottom unit's at most.
        var picked = units.Select(Unit).ToHashSet();
        var rest = Enumerable.Range(0, ap.Length).Where(u => !picked.Contains(u)).Select(u => ap[u]).ToList();
        if (expectTop > 0) Assert.True(units.Where(u => u.End == "top").Min(u => u.Ap) >= rest.Max());
        if (expectBottom > 0) Assert.True(units.Where(u => u.End == "bottom").Max(u => u.Ap) <= rest.Min());
    }

    [Fact]
    public void DefaultCountIsThePapersShare()
    {
        var big = new UnitSpace(32, [new TapWidth(TapKind.Q, 4096), new TapWidth(TapKind.K, 4096), new TapWidth(TapKind.V, 4096),
            new TapWidth(TapKind.AttnOut, 4096), new TapWidth(TapKind.MlpPre, 11008), new TapWidth(TapKind.MlpPreLinear, 11008), new TapWidth(TapKind.MlpOut, 4096)]);
        Assert.Equal(1_359_872, big.TotalUnits);
        // The paper's k = 3,000 of Llama-2-7B's 835,584 FFN units, scaled to other unit counts.
        Assert.Equal(3000, new SelectionOptions().ResolveCount(32 * (11008 + 11008 + 4096)));
        Assert.Equal(4882, new SelectionOptions().ResolveCount(big.TotalUnits)); // --units all
        Assert.Equal(1265, new SelectionOptions().ResolveCount(32 * 11008)); // --units mlp on Llama-2-7B
        Assert.Equal(4706, new SelectionOptions().ResolveCount(40 * (13824 + 13824 + 5120))); // Llama-2-13B: 1,310,720 units
        // Kojima et al.'s 6,000 (top 3,000 + bottom 3,000) of the 1,359,872 linear units.
        Assert.Equal(6000, new SelectionOptions { Mode = SelectionMode.Both, Fraction = Protocol.Kojima.Fraction }.ResolveCount(big.TotalUnits));
        Assert.Equal(1, new SelectionOptions().ResolveCount(Space.TotalUnits));
        Assert.Throws<UserInputException>(() => new SelectionOptions { Count = Space.TotalUnits + 1 }.ResolveCount(Space.TotalUnits));
        Assert.Throws<UserInputException>(() => new SelectionOptions { Fraction = 1.5 }.ResolveCount(100));
    }

    [Fact]
    public void RandomBaselinesMatchPerLayerAndTapCounts()
    {
        var sets = NeuronSelector.Select(Space, [Task("a", RandomAp(2)), Task("b", RandomAp(3))],
            new SelectionOptions { Count = 20, RandomSeeds = 3, Random = RandomBaseline.LayerMatched, Seed = 9 });
        foreach (var set in sets.Relations)
        {
            Assert.Equal(3, set.Random.Count);
            Assert.Equal(3, set.Random.Select(r => r.Seed).Distinct().Count());
            var wanted = set.Units.GroupBy(u => (u.Tap, u.Layer)).ToDictionary(g => g.Key, g => g.Count());
            foreach (var random in set.Random)
            {
                Assert.Equal(20, random.Units.Select(u => (u.Tap, u.Layer, u.Index)).Distinct().Count());
                Assert.Equal(wanted, random.Units.GroupBy(u => (u.Tap, u.Layer)).ToDictionary(g => g.Key, g => g.Count()));
                Assert.All(random.Units, u => Assert.InRange(u.Index, 0, u.Tap == "attn.hook_q" ? 3 : 9));
            }
            Assert.Equal(set.PerLayer, Enumerable.Range(0, 3).Select(l => set.Units.Count(u => u.Layer == l)));
            Assert.Equal(set.PerTapLayer["mlp.hook_post"], Enumerable.Range(0, 3).Select(l => set.Units.Count(u => u.Layer == l && u.Tap == "mlp.hook_post")));
        }
        // Same seed, same draw; another seed, another draw.
        var again = NeuronSelector.Select(Space, [Task("a", RandomAp(2)), Task("b", RandomAp(3))],
            new SelectionOptions { Count = 20, RandomSeeds = 3, Random = RandomBaseline.LayerMatched, Seed = 9 });
        Assert.Equal(sets.Relations[0].Random[1].Units, again.Relations[0].Random[1].Units);
        var other = NeuronSelector.Select(Space, [Task("a", RandomAp(2))], new SelectionOptions { Count = 20, RandomSeeds = 1, Random = RandomBaseline.LayerMatched, Seed = 10 });
        Assert.NotEqual(sets.Relations[0].Random[0].Units, other.Relations[0].Random[0].Units);
    }

    [Fact]
    public void UniformRandomSetsAreTheOnesTheExperimentsDraw()
    {
        var sets = NeuronSelector.Select(Space, [Task("a", RandomAp(2))], new SelectionOptions { Count = 20, RandomSeeds = 2, Seed = 9 });
        var set = sets.Relations[0];
        Assert.Equal(RandomBaseline.Uniform, sets.Random);
        for (int s = 0; s < 2; s++)
        {
            ulong seed = RandomUnitSampler.SeedFor(9, set.Relation, set.Language ?? "*", s + 1);
            Assert.Equal(seed, set.Random[s].Seed);
            var drawn = RandomUnitSampler.Uniform(Space, 20, seed).Select(n => n.ToString()).Order(StringComparer.Ordinal);
            Assert.Equal(drawn, set.Random[s].Units.Select(u => u.Neuron).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void OverlapMatricesMatchSetArithmetic()
    {
        var tasks = new[] { Task("a", RandomAp(4, 5)), Task("b", RandomAp(5, 5)), Task("c", RandomAp(4, 5)) };
        var sets = NeuronSelector.Select(Space, tasks, new SelectionOptions { Count = 16, RandomSeeds = 0 });
        var members = sets.Relations.Select(r => r.Units.Select(u => (u.Tap, u.Layer, u.Index)).ToHashSet()).ToArray();
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
            {
                int both = members[a].Intersect(members[b]).Count();
                Assert.Equal(both, sets.Overlap.Count[a][b]);
                Assert.Equal((double)both / members[a].Union(members[b]).Count(), sets.Overlap.Jaccard[a][b], 1e-15);
                for (int l = 0; l < 3; l++)
                    Assert.Equal(members[a].Intersect(members[b]).Count(m => m.Layer == l), sets.Overlap.PerLayer[a][b][l]);
            }
        Assert.Equal(16, sets.Overlap.Count[0][2]); // identical AP, identical sets
        Assert.Equal(1.0, sets.Overlap.Jaccard[1][1]);
    }

    [Fact]
    public void FromExpertiseFolderAndJsonRoundTrip()
    {
        using var tmp = new TempDirectory();
        ExpertiseRunnerTests.WriteRecord(tmp["record"], ExpertiseRunnerTests.Labels());
        ExpertiseRunner.Run(tmp["record"], tmp["expertise"]);
        var sets = NeuronSelector.SelectFromFolder(tmp["expertise"], new SelectionOptions { Count = 4, RandomSeeds = 2 });
        Assert.Equal(["capital", "ceo", "sport"], sets.Relations.Select(r => r.Name));
        Assert.Equal("custom", sets.Units);
        sets.Save(tmp["sets.json"]);
        string json = File.ReadAllText(tmp["sets.json"]);
        Assert.Contains("\"mode\": \"top\"", json);
        Assert.Contains("\"per_tap_layer\"", json);
        Assert.DoesNotContain("\"neurons\"", json);
        var back = NeuronSets.Load(tmp["sets.json"]);
        Assert.Equal(sets.Relations[1].Units, back.Relations[1].Units);
        Assert.Equal(sets.Relations[1].Random[1].Units, back.Relations[1].Random[1].Units);
        Assert.Equal(sets.Overlap.Jaccard[0][1], back.Overlap.Jaccard[0][1]);
        Assert.Equal(sets.Relations[0].Neurons, back.Get("capital").Neurons);

        var e = Assert.Throws<UserInputException>(() => NeuronSelector.SelectFromFolder(tmp["expertise"], new SelectionOptions(), ["spouse"]));
        Assert.Contains("unknown relation 'spouse'", e.Message);
    }
}
