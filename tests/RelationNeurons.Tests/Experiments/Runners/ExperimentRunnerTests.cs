using RelationNeurons.Experiments.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;

namespace RelationNeurons.Tests.Experiments.Runners;

public class ExperimentRunnerTests
{
    private static readonly ExperimentOptions Options = new() { Statistics = new StatisticsSettings(500, 500, 0.95, 1) };

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
    public void CumulativityDeactivatesGrowingPrefixesBesideNestedRandomPrefixes()
    {
        var (outcomes, _, suite) = RunAll();
        var curves = Result<CumulativityResult>(outcomes).Curves;
        Assert.Equal(6, curves.Count);
        foreach (var curve in curves)
        {
            // Shares 1 %, 2 %, 5 %, 10 % of 10 units all round to 1 unit and are kept once.
            Assert.Equal([0, 1, 2, 3, 5, 8, 10], curve.Points.Select(p => p.NeuronCount));
            Assert.Equal(0.8, curve.Points[0].Accuracy, 12);
            foreach (var p in curve.Points.Skip(1))
            {
                Assert.Equal((8 - Math.Min(p.NeuronCount, 8)) / 10.0, p.Accuracy, 12);
                var random = suite.Planner.RandomPrefix(curve.Relation, curve.Language, p.NeuronCount, 1).Intervention!.Neurons;
                Assert.Equal(p.NeuronCount, random.Count);
                Assert.Equal(RuleAccuracy(curve.Relation, curve.Language, random), p.AccuracyRandom, 12);
            }
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
            // clean + 6 sets + 18 random sets + 6 curves × (5 partial prefixes (1, 2, 3, 5, 8) + their random prefixes)
            Assert.Equal(1 + 6 + 18 + 60, world.Calls.Count);
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
        Assert.All(serial, o => Assert.True(Json(o).Length > 200));
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
