using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Experiments.Runners;

public class ExperimentRunnerTests
{
    // The mechanics are tested on the Kojima choices these tests were written for (3 layer-matched sets, scales × N).
    private static readonly ExperimentOptions Options = new()
    {
        RandomSeeds = 3, Random = RandomBaseline.LayerMatched, Sweep = CumulativitySweep.Scales, Statistics = new StatisticsSettings(500, 500, 0.95, 1),
    };

    private static (IReadOnlyList<ExperimentOutcome> Outcomes, RuleWorld World, ExperimentSuite Suite) RunAll(ExperimentOptions? options = null)
    {
        var world = new RuleWorld();
        var suite = new ExperimentSuite(RuleWorld.Inputs, options ?? Options, world, EvaluationStore.InMemory);
        return (suite.Run(ExperimentKinds.All, null), world, suite);
    }

    private static T Result<T>(IReadOnlyList<ExperimentOutcome> outcomes) => outcomes.Select(o => o.Result).OfType<T>().Single();

    /// <summary>Accuracy of a relation's facts in a language under a set of units, by the rule.</summary>
    private static double RuleAccuracy(string rel, string lang, IEnumerable<NeuronId> units)
    {
        var set = units.ToHashSet();
        var prompts = RuleWorld.TestPrompts.Where(p => p.Relation == rel && p.Language == lang).ToArray();
        return prompts.Count(p => RuleWorld.Outcome(p, set)) / (double)prompts.Length;
    }

    [Fact]
    public void Fig3bRepeatsIntraOnTheDetectionPromptsWhenGiven()
    {
        // The rule world's test prompts stand in for validated detection prompts: same outcomes, other condition labels.
        var world = new RuleWorld();
        var withDetection = RuleWorld.Inputs with { DetectionPrompts = Options.SampleDetectionPrompts(RuleWorld.TestPrompts) };
        var outcomes = new ExperimentSuite(withDetection, Options, world, EvaluationStore.InMemory).Run([ExperimentKind.Intra], null);
        var intra = Result<IntraRelationResult>(outcomes);
        Assert.All(intra.Entries, e =>
        {
            var d = e.DetectionPrompts!;
            Assert.Equal(e.AllFacts.Count, d.Count);
            Assert.Equal((e.AllFacts.AccuracyClean, e.AllFacts.AccuracyDeactivated, e.AllFacts.AccuracyRandomMean), (d.AccuracyClean, d.AccuracyDeactivated, d.AccuracyRandomMean));
        });
        Assert.Contains(world.Calls, c => c.EndsWith("/detection", StringComparison.Ordinal));
        // Without detection prompts the field stays null.
        Assert.All(Result<IntraRelationResult>(RunAll().Outcomes).Entries, e => Assert.Null(e.DetectionPrompts));
    }

    [Fact]
    public void TheKSweepFollowsTheOtherRelationsAndChecksCumulativity()
    {
        var world = new RuleWorld();
        var options = Options with { Sweep = CumulativitySweep.KSweep };
        var outcomes = new ExperimentSuite(RuleWorld.Inputs, options, world, EvaluationStore.InMemory).Run([ExperimentKind.Cumulativity], null);
        var result = Result<CumulativityResult>(outcomes);
        var clean = world.Evaluate(ConditionLabel.Clean, RuleWorld.TestPrompts, null);
        foreach (var curve in result.Curves)
        {
            var others = clean.Accuracy.Where(g => g.Language == curve.Language && g.Relation != curve.Relation).Average(g => g.Accuracy);
            Assert.Equal(others, curve.Points[0].AccuracyOthers!.Value, 12);
            Assert.All(curve.Points, p => Assert.NotNull(p.AccuracyOthers));
            Assert.Equal(curve.Points.Count - 2, curve.Checks!.Count);
        }
        Assert.NotNull(result.Ranges);
    }

    [Fact]
    public void DetectionPromptsAreSampledPerRelationAndLanguage()
    {
        var sample = (Options with { DetectionPromptsPerRelation = 4 }).SampleDetectionPrompts(RuleWorld.TestPrompts);
        Assert.All(sample.GroupBy(p => (p.Relation, p.Language)), g => Assert.Equal(4, g.Count()));
        Assert.Equal(sample, (Options with { DetectionPromptsPerRelation = 4 }).SampleDetectionPrompts(RuleWorld.TestPrompts));
        Assert.NotEqual(sample, (Options with { DetectionPromptsPerRelation = 4, Seed = 1 }).SampleDetectionPrompts(RuleWorld.TestPrompts));
        Assert.Equal(RuleWorld.TestPrompts, (Options with { DetectionPromptsPerRelation = 0 }).SampleDetectionPrompts(RuleWorld.TestPrompts));
    }

    [Fact]
    public void IntraComparesTheRelationsSetWithItsRandomSets()
    {
        var (outcomes, _, suite) = RunAll();
        var intra = Result<IntraRelationResult>(outcomes);
        Assert.Equal(6, intra.Entries.Count);
        foreach (var e in intra.Entries)
        {
            Assert.Equal(10, e.NeuronCount);
            Assert.Equal([1L, 2L, 3L], e.RandomSeeds);
            Assert.Equal(0.8, e.AllFacts.AccuracyClean, 12);
            Assert.Equal(0.0 + (e.Relation == "B" ? 0 : 0), e.AllFacts.AccuracyDeactivated, 12);
            Assert.Equal(0.8, e.AllFacts.DropDeactivated, 12);
            Assert.Equal(8, e.FactsCorrectBefore!.Count);
            for (int s = 0; s < 3; s++)
            {
                var random = suite.Planner.Random(e.Relation, e.Language, s + 1).Intervention!.Neurons;
                Assert.Equal(RuleAccuracy(e.Relation, e.Language, random), e.AllFacts.AccuracyRandom[s], 12);
            }
            Assert.True(e.AllFacts.DropVsRandom.Estimate > 0.3);
        }
    }

    [Fact]
    public void InterRelationMatrixCountsInterferenceWithTheFactsThatFlipped()
    {
        var (outcomes, _, _) = RunAll();
        var inter = Result<InterRelationResult>(outcomes);
        Assert.Equal(["de", "en"], inter.Matrices.Select(m => m.Language));
        foreach (var m in inter.Matrices)
        {
            Assert.Equal(RuleWorld.Relations, m.Relations);
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                {
                    double expected = r == c ? -0.8 : (m.Relations[r], m.Relations[c]) == ("A", "B") ? 0.1 : 0;
                    Assert.Equal(expected, m.AccuracyChange[r][c], 12);
                }
            var cell = Assert.Single(m.Interference);
            Assert.Equal(("A", "B"), (cell.Deactivated, cell.Tested));
            Assert.Equal(["f09"], cell.FlippedToCorrect);
            Assert.Equal(0, cell.FlippedToWrong);
            Assert.Equal(0.1, cell.AccuracyChange, 12);
        }
    }

    [Fact]
    public void CumulativityFollowsTheRankingFromAHandfulToManyTimesTheSet()
    {
        var world = new RuleWorld();
        var ranking = new RuleRanking();
        var suite = new ExperimentSuite(RuleWorld.Inputs with { Ranking = ranking }, Options, world, EvaluationStore.InMemory);
        var curves = Result<CumulativityResult>(suite.Run([ExperimentKind.Cumulativity], null)).Curves;
        Assert.Equal(6, curves.Count);
        foreach (var curve in curves)
        {
            // 10·(1/16, 1/8, 1/4, 1/2, 1, 2, 4, 8, 16) = 0.6, 1.3, 2.5, 5, 10, 20, 40, 80, 160, rounded, at least 1,
            // capped at 25 % of the 192 units (48), repeats kept once.
            Assert.Equal([0, 1, 3, 5, 10, 20, 40, 48], curve.Points.Select(p => p.NeuronCount));
            Assert.Equal([0, 0.1, 0.3, 0.5, 1, 2, 4, 4.8], curve.Points.Select(p => Math.Round(p.Scale, 6)));
            Assert.Equal((10, 48, 192L), (curve.SetSize, curve.RankedUnits, curve.TotalUnits!.Value));
            Assert.Equal(0.8, curve.Points[0].Accuracy, 12);
            var ranked = ranking.Ranked(curve.Relation, curve.Language, "top", 48)!.Neurons;
            var full = suite.Planner.RandomPrefix(curve.Relation, curve.Language, 48, 1).Intervention!.Neurons;
            foreach (var p in curve.Points.Skip(1))
            {
                // Beyond the set, the ranking's units do not touch the relation's facts: the curve stays at 0.
                Assert.Equal((8 - Math.Min(p.NeuronCount, 8)) / 10.0, p.Accuracy, 12);
                Assert.Equal(ranked.Take(p.NeuronCount), suite.Planner.Prefix(curve.Relation, curve.Language, p.NeuronCount).Intervention!.Neurons);
                var random = suite.Planner.RandomPrefix(curve.Relation, curve.Language, p.NeuronCount, 1).Intervention!.Neurons;
                // Nested random prefixes, each with its ranked prefix's count per layer and tap.
                Assert.Equal(full.Take(p.NeuronCount), random);
                Assert.Equal(ranked.Take(p.NeuronCount).GroupBy(u => u.Hook.Name).Select(g => (g.Key, g.Count())).Order(),
                    random.GroupBy(u => u.Hook.Name).Select(g => (g.Key, g.Count())).Order());
                Assert.Equal(RuleAccuracy(curve.Relation, curve.Language, random), p.AccuracyRandom, 12);
            }
            // At N the sweep's random prefix is the intra-relation baseline of the same seed.
            Assert.Equal(suite.Planner.Random(curve.Relation, curve.Language, 1).Intervention!.Neurons, full.Take(10));
        }
    }

    [Fact]
    public void WithoutARankingTheSweepStopsAtTheSet()
    {
        var (outcomes, _, _) = RunAll();
        foreach (var curve in Result<CumulativityResult>(outcomes).Curves)
        {
            Assert.Equal([0, 1, 3, 5, 10], curve.Points.Select(p => p.NeuronCount));
            Assert.Equal((10, 10), (curve.SetSize, curve.RankedUnits));
            Assert.Null(curve.TotalUnits);
        }
    }

    [Fact]
    public void ARankingThatDoesNotBeginWithTheSetIsRefused()
    {
        var planner = new ConditionPlanner(RuleWorld.Inputs with { Ranking = new RuleRanking(swapFirstTwo: true) }, Options);
        var e = Assert.Throws<UserInputException>(() => planner.CumulativityCounts("A", "en"));
        Assert.Contains("does not begin with its neuron set", e.Message);
        // Scales that stay within the set do not need the ranking.
        var within = new ConditionPlanner(RuleWorld.Inputs with { Ranking = new RuleRanking(swapFirstTwo: true) }, Options with { CumulativityScales = [0.5, 1] });
        Assert.Equal([(0.5, 5), (1.0, 10)], within.CumulativityCounts("A", "en"));
    }

    [Fact]
    public void ScalesAreValidated()
    {
        Assert.Throws<UserInputException>(() => (Options with { CumulativityScales = [] }).Validate());
        Assert.Throws<UserInputException>(() => (Options with { CumulativityScales = [0.5, 0] }).Validate());
        Assert.Throws<UserInputException>(() => (Options with { CumulativityMaxUnitShare = 0 }).Validate());
        Assert.Throws<UserInputException>(() => (Options with { CumulativityMaxUnitShare = 1.5 }).Validate());
    }

    /// <summary>
    /// A ranking over RuleWorld's 3 × 64 MLP units: a relation's 10 units first (its set, in order),
    /// then layer 2's units and layer 0's, which no fact depends on.
    /// </summary>
    private sealed class RuleRanking(bool swapFirstTwo = false) : ICumulativityRanking
    {
        public long TotalUnits => 3 * 64;

        public RankedNeuronSet? Ranked(string relation, string language, string selection, int count)
        {
            var units = Enumerable.Range(0, RuleWorld.Facts).Select(i => RuleWorld.Unit(relation, i))
                .Concat(Enumerable.Range(0, 64).Select(i => new NeuronId(new HookPoint(2, TapKind.MlpPost), i)))
                .Concat(Enumerable.Range(0, 64).Select(i => new NeuronId(new HookPoint(0, TapKind.MlpPost), i)))
                .Take(count).ToArray();
            if (swapFirstTwo) (units[0], units[1]) = (units[1], units[0]);
            return new RankedNeuronSet(relation, language, units);
        }
    }

    [Fact]
    public void CrossLingualAndOverlapFollowTheSets()
    {
        var (outcomes, _, _) = RunAll();
        var cross = Result<CrossLingualResult>(outcomes);
        Assert.Equal(["de", "en"], cross.Languages);
        Assert.All(cross.PerRelation, m => Assert.All(m.Drop, row => Assert.All(row, d => Assert.Equal(0.8, d, 12))));

        var overlap = Result<OverlapResult>(outcomes);
        foreach (var m in overlap.Matrices)
        {
            Assert.Equal([10, 10, 10], m.SetSizes);
            Assert.Equal(0, m.Intersection[0][1]);
            Assert.All(m.PerLayer, d => Assert.Equal([0, 10, 0], d.Counts));
        }
    }

    [Fact]
    public void EachConditionIsEvaluatedOnceAndAStoredRunIsResumedWithoutEvaluating()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-suite-" + Guid.NewGuid().ToString("N"));
        try
        {
            var world = new RuleWorld();
            var store = EvaluationStore.ForRun(folder, "salt");
            var suite = new ExperimentSuite(RuleWorld.Inputs, Options, world, store);
            var outcomes = suite.Run(ExperimentKinds.All, folder);
            // clean + 6 sets + 18 random sets + 6 curves × (3 partial prefixes (1, 3, 5) + their random prefixes); no ranking beyond the sets;
            // + 6 curves × 3 cumulativity checks (units 2-3, 4-5, 6-10 alone)
            Assert.Equal(1 + 6 + 18 + 36 + 18, world.Calls.Count);
            Assert.Equal(world.Calls.Count, world.Calls.Distinct().Count());
            foreach (var o in outcomes) Assert.True(File.Exists(o.File), o.Kind.ToString());

            var again = new RuleWorld();
            new ExperimentSuite(RuleWorld.Inputs, Options, again, store).Run(ExperimentKinds.All, folder);
            Assert.Empty(again.Calls);

            // Other evaluation settings (salt) or other random seeds: those conditions are evaluated afresh.
            var other = new RuleWorld();
            new ExperimentSuite(RuleWorld.Inputs, Options with { Seed = 9 }, other, store).Run([ExperimentKind.Intra], folder);
            Assert.Equal(18, other.Calls.Count);
            Assert.All(other.Calls, c => Assert.StartsWith("random:", c));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ParallelEvaluationGivesTheSameResults()
    {
        var serial = RunAll().Outcomes;
        var parallel = RunAll(Options with { Parallelism = 3 }).Outcomes;
        static string Json(ExperimentOutcome o) => System.Text.Json.JsonSerializer.Serialize(o.Result, o.Result!.GetType(), ResultJson.Options);
        Assert.All(serial.Where(o => o.SkipReason is null), o => Assert.True(Json(o).Length > 200));
        Assert.Equal(serial.Select(Json), parallel.Select(Json));
    }

    [Fact]
    public void CrossLingualIsSkippedWithOneLanguage()
    {
        var inputs = RuleWorld.Inputs with
        {
            TestPrompts = RuleWorld.TestPrompts.Where(p => p.Language == "en").ToArray(),
        };
        var outcome = new ExperimentSuite(inputs, Options, new RuleWorld(), EvaluationStore.InMemory).Run([ExperimentKind.CrossLingual], null).Single();
        Assert.Null(outcome.Result);
        Assert.Contains("two languages", outcome.SkipReason);
    }

    [Fact]
    public void MedianValueUsesTheSetsMediansAndNeedsALookupForRandomSets()
    {
        var sets = new NeuronSetCollection([new RankedNeuronSet("A", "en", [RuleWorld.Unit("A", 0), RuleWorld.Unit("A", 1)], [0.5f, -2f])]);
        var inputs = new ExperimentInputs(RuleWorld.Config, RuleWorld.TestPrompts, sets);
        var planner = new ConditionPlanner(inputs, Options with { Value = InterventionValue.MedianOnPositives });
        Assert.Equal([0.5f, -2f], planner.Deactivated("A", "en").Intervention!.Values);
        Assert.Equal([0.5f], planner.Prefix("A", "en", 1).Intervention!.Values);
        Assert.Throws<UserInputException>(() => planner.Random("A", "en", 1));
        var withLookup = new ConditionPlanner(inputs with { MedianOnPositives = (_, _, n) => n.Index }, Options with { Value = InterventionValue.MedianOnPositives });
        var random = withLookup.Random("A", "en", 1).Intervention!;
        Assert.Equal(random.Neurons.Select(n => (float)n.Index), random.Values);
    }
}
