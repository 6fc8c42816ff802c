using RelationNeurons.Experiments.Results;
using RelationNeurons.Hooks;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Statistics;

namespace RelationNeurons.Tests.Experiments;

public class ResultBuilderTests
{
    private static readonly StatisticsSettings Fast = new(500, 500, 0.95, 1);

    private static EvaluationResult Eval(string condition, params (string Rel, string Fact, bool Correct)[] rows) =>
        EvaluationResult.Create(condition, rows.Select(r => new PromptOutcome(r.Rel, "en", r.Fact, "p " + r.Fact, "x", r.Correct)).ToArray());

    [Fact]
    public void EvaluationAccuracyIsPerGroup()
    {
        var e = Eval("clean", ("a", "1", true), ("a", "2", false), ("b", "1", true), ("a", "3", true));
        Assert.Equal(2, e.Accuracy.Count);
        var a = e.AccuracyOf("a", "en")!;
        Assert.Equal((3, 2), (a.Count, a.Correct));
        Assert.Equal(2.0 / 3, a.Accuracy, 12);
        Assert.Null(e.AccuracyOf("a", "de"));
    }

    [Fact]
    public void IntraPairsFactsAndSplitsCorrectBefore()
    {
        var clean = Eval("clean", ("a", "1", true), ("a", "2", true), ("a", "3", false), ("a", "4", true));
        // Stored in another order: pairing must go by fact id.
        var deact = Eval("deactivate:a/top", ("a", "4", false), ("a", "3", true), ("a", "2", false), ("a", "1", false));
        var rand = Eval("random:a/seed1", ("a", "1", true), ("a", "2", true), ("a", "3", false), ("a", "4", false));
        var e = IntraRelationBuilder.Build("a", "en", 10, clean, deact, [new SeededEvaluation(1, rand)], Fast);

        Assert.Equal(4, e.AllFacts.Count);
        Assert.Equal(0.75, e.AllFacts.AccuracyClean);
        Assert.Equal(0.25, e.AllFacts.AccuracyDeactivated);
        Assert.Equal(0.5, e.AllFacts.AccuracyRandomMean);
        Assert.Equal(0.5, e.AllFacts.DropDeactivated);
        Assert.Equal(0.25, e.AllFacts.DropRandom);
        Assert.Equal(0.25, e.AllFacts.DropVsRandom.Estimate);
        Assert.Equal(0.5, e.AllFacts.DropVsClean.Estimate);
        Assert.Equal(0.25, e.AllFacts.RandomDropVsClean.Estimate);

        var before = e.FactsCorrectBefore!;
        Assert.Equal(3, before.Count);
        Assert.Equal(1, before.AccuracyClean);
        Assert.Equal(0, before.AccuracyDeactivated);
        Assert.Equal(2.0 / 3, before.AccuracyRandomMean, 12);
        Assert.Equal(2.0 / 3, before.DropVsRandom.Estimate, 12);
        // 3 non-zero differences: +1, +1, +1 on facts 1, 2 and 0 on fact 4 -> exact p = 2/4.
        Assert.Equal(0.5, before.DropVsRandom.PValue);

        var f3 = e.Facts.Single(f => f.FactId == "3");
        Assert.Equal((false, true, false), (f3.Clean, f3.Deactivated, f3.Random[0]));
    }

    [Fact]
    public void IntraRefusesAConditionMissingAFact()
    {
        var clean = Eval("clean", ("a", "1", true), ("a", "2", true));
        var deact = Eval("deactivate:a/top", ("a", "1", false));
        var ex = Assert.Throws<UserInputException>(() =>
            IntraRelationBuilder.Build("a", "en", 1, clean, deact, [new SeededEvaluation(1, clean)], Fast));
        Assert.Contains("lacks fact '2'", ex.Message);
    }

    [Fact]
    public void InterListsInterferenceWithFlippedFacts()
    {
        var clean = Eval("clean", ("a", "1", true), ("a", "2", true), ("b", "1", false), ("b", "2", true));
        var deactA = Eval("deactivate:a/top", ("a", "1", false), ("a", "2", false), ("b", "1", true), ("b", "2", true));
        var deactB = Eval("deactivate:b/top", ("a", "1", true), ("a", "2", true), ("b", "1", false), ("b", "2", false));
        var m = InterRelationBuilder.Build("en", ["a", "b"], clean,
            new Dictionary<string, EvaluationResult> { ["a"] = deactA, ["b"] = deactB },
            new Dictionary<string, IReadOnlyList<SeededEvaluation>> { ["a"] = [new(1, clean)], ["b"] = [new(1, clean)] });

        Assert.Equal(-1.0, m.AccuracyChange[0][0]);
        Assert.Equal(0.5, m.AccuracyChange[0][1]);
        Assert.Equal(0.0, m.AccuracyChange[1][0]);
        Assert.Equal(-0.5, m.AccuracyChange[1][1]);
        Assert.Equal(-1.0, m.AccuracyChangeCorrectBefore[1][1]);
        Assert.Equal(0.0, m.RandomAccuracyChange[0][1]);
        var cell = Assert.Single(m.Interference);
        Assert.Equal(("a", "b"), (cell.Deactivated, cell.Tested));
        Assert.Equal(["1"], cell.FlippedToCorrect);
        Assert.Equal(0, cell.FlippedToWrong);
        Assert.Equal(1, m.InterferenceCount);
    }

    [Fact]
    public void CumulativityStartsAtCleanAndSortsByCount()
    {
        var clean = Eval("clean", ("a", "1", true), ("a", "2", false));
        var none = Eval("x", ("a", "1", false), ("a", "2", false));
        var curve = CumulativityBuilder.Build("a", "en", 10, 40, 1000, clean,
            [new CumulativityStep(4.0, 40, none, [clean]), new CumulativityStep(0.5, 5, clean, [clean])]);
        Assert.Equal([0.0, 0.5, 4.0], curve.Points.Select(p => p.Scale));
        Assert.Equal([0, 5, 40], curve.Points.Select(p => p.NeuronCount));
        Assert.Equal((10, 40, 1000L), (curve.SetSize, curve.RankedUnits, curve.TotalUnits!.Value));
        Assert.Equal([0.5, 0.5, 0.0], curve.Points.Select(p => p.Accuracy));
        Assert.Equal([1.0, 1.0, 0.0], curve.Points.Select(p => p.AccuracyCorrectBefore!.Value));
        Assert.All(curve.Points, p => Assert.Equal(0.5, p.AccuracyRandom));
    }

    [Fact]
    public void OverlapCountsJaccardAndLayers()
    {
        NeuronId N(int l, int i) => new(new HookPoint(l, TapKind.MlpPost), i);
        var m = OverlapBuilder.Build("en",
            [new RelationNeuronSet("a", [N(0, 1), N(0, 2), N(1, 3)]), new RelationNeuronSet("b", [N(0, 2), N(1, 3), N(2, 9), N(2, 8)])], 3);
        Assert.Equal([3, 4], m.SetSizes);
        Assert.Equal(2, m.Intersection[0][1]);
        Assert.Equal(3, m.Intersection[0][0]);
        Assert.Equal(2.0 / 5, m.Jaccard[1][0], 12);
        Assert.Equal(1, m.Jaccard[1][1]);
        Assert.Equal([2, 1, 0], m.PerLayer[0].Counts);
        Assert.Equal([1, 1, 2], m.PerLayer[1].Counts);
        Assert.Throws<UserInputException>(() => OverlapBuilder.Build("en", [new RelationNeuronSet("a", [N(5, 1)])], 3));
    }

    [Fact]
    public void CrossLingualDropsAndMean()
    {
        PromptOutcome O(string rel, string lang, string fact, bool c) => new(rel, lang, fact, "p", "g", c);
        var clean = EvaluationResult.Create("clean", [O("a", "en", "1", true), O("a", "de", "1", true), O("b", "en", "1", true), O("b", "de", "1", false)]);
        var killEn = EvaluationResult.Create("k", [O("a", "en", "1", false), O("a", "de", "1", true), O("b", "en", "1", false), O("b", "de", "1", false)]);
        var deact = new Dictionary<(string, string), EvaluationResult>
        {
            [("a", "en")] = killEn, [("a", "de")] = clean, [("b", "en")] = killEn, [("b", "de")] = clean,
        };
        var rand = deact.ToDictionary(kv => kv.Key, _ => (IReadOnlyList<EvaluationResult>)[clean]);
        var x = CrossLingualBuilder.Build(["en", "de"], ["a", "b"], clean, deact, rand);
        Assert.Equal(1.0, x.PerRelation[0].Drop[0][0]);
        Assert.Equal(0.0, x.PerRelation[0].Drop[0][1]);
        Assert.Equal(0.0, x.PerRelation[1].Drop[1][0]);
        Assert.Equal(1.0, x.Mean.Drop[0][0]);
        Assert.Equal(0.5, x.Mean.AccuracyClean[1]);
        Assert.Equal(CrossLingualResult.MeanLabel, x.Mean.Relation);
        Assert.Equal(0.0, x.Mean.RandomDrop[0][0]);
    }

    [Fact]
    public void SyntheticRunShowsTheDesignedEffect()
    {
        var run = SyntheticRun.Shared;
        // A relation's own neurons hurt far more than random ones in the fake model.
        Assert.All(run.Intra.Entries, e => Assert.True(e.FactsCorrectBefore!.DropVsRandom.CiLow > 0));
        Assert.True(run.Inter.Matrices[0].InterferenceCount > 0);
        Assert.True(run.Cumulativity.Curves.All(c => c.Points.Count >= 8));
    }
}
