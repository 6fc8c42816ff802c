using RelationNeurons.Analysis;

namespace RelationNeurons.Tests.Analysis;

public class ExpertiseScorerTests
{
    internal static PromptLabels RandomLabels(Random rng, int prompts, string[] relations, string[] languages)
    {
        var labels = new List<PromptLabel>();
        for (int p = 0; p < prompts; p++)
            labels.Add(new PromptLabel(relations[p < relations.Length * languages.Length ? p % relations.Length : rng.Next(relations.Length)],
                languages[p < relations.Length * languages.Length ? p / relations.Length : rng.Next(languages.Length)]));
        return new PromptLabels(labels);
    }

    internal static float[] RandomActivations(Random rng, int prompts, int width, int distinct) =>
        Enumerable.Range(0, prompts * width).Select(_ => (rng.Next(distinct) - distinct / 3) * 0.125f).ToArray();

    /// <summary>Checks every task and unit against the reference definitions.</summary>
    private static void AssertMatchesReference(float[] data, int prompts, int width, PromptLabels labels, ScoringPlan plan, ExpertiseScores scores)
    {
        for (int t = 0; t < plan.Tasks.Count; t++)
        {
            var task = plan.Tasks[t];
            var inPool = Enumerable.Range(0, prompts).Where(p => task.Language is null || labels[p].Language == task.Language).ToArray();
            bool IsPositive(int p) => labels[p].Relation == task.Relation;
            Assert.Equal(inPool.Count(IsPositive), task.Positives);
            Assert.Equal(inPool.Length - task.Positives, task.Negatives);
            for (int u = 0; u < width; u++)
            {
                double[] column = inPool.Select(p => (double)data[p * width + u]).ToArray();
                bool[] positive = inPool.Select(IsPositive).ToArray();
                Assert.Equal(ReferenceMetrics.AveragePrecision(column, positive), scores.ApOf(t)[u], 1e-12);
                Assert.Equal((float)ReferenceMetrics.Median(column.Where((_, i) => positive[i])), scores.MedianPositiveOf(t)[u]);
                Assert.Equal((float)ReferenceMetrics.Median(column.Where((_, i) => !positive[i])), scores.MedianNegativeOf(t)[u]);
            }
        }
    }

    [Theory]
    [InlineData(NegativeScope.SameLanguage, 3)]
    [InlineData(NegativeScope.SameLanguage, 1000)]
    [InlineData(NegativeScope.AllLanguages, 4)]
    public void EveryTaskMatchesTheReference(NegativeScope scope, int distinct)
    {
        var rng = new Random(42 + distinct);
        int prompts = 157, width = 37;
        var labels = RandomLabels(rng, prompts, ["capital", "ceo", "instrument", "sport"], ["de", "en"]);
        float[] data = RandomActivations(rng, prompts, width, distinct);
        var plan = ScoringPlan.Create(labels, scope);
        Assert.Equal(scope == NegativeScope.SameLanguage ? 8 : 4, plan.Tasks.Count);
        var scores = ExpertiseScorer.Score(data, prompts, width, plan);
        AssertMatchesReference(data, prompts, width, labels, plan, scores);
    }

    [Fact]
    public void SingleLanguageTasksAreNamedByRelation()
    {
        var labels = PromptLabels.FromRelations(["b", "a", "b", "c", "a"]);
        var plan = ScoringPlan.Create(labels);
        Assert.Equal(["a", "b", "c"], plan.Tasks.Select(t => t.Name));
        Assert.Equal(["a.en", "a.fr"], ScoringPlan.Create(new PromptLabels(
            [new("a", "en"), new("b", "en"), new("a", "fr"), new("b", "fr")])).Tasks.Take(2).Select(t => t.Name));
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        var rng = new Random(7);
        int prompts = 90, width = 101;
        var labels = RandomLabels(rng, prompts, ["r1", "r2", "r3"], ["en"]);
        float[] data = RandomActivations(rng, prompts, width, 20);
        var one = ExpertiseScorer.Score(data, prompts, width, labels, maxThreads: 1);
        var many = ExpertiseScorer.Score(data, prompts, width, labels, maxThreads: 4);
        Assert.Equal(one.Ap, many.Ap);
        Assert.Equal(one.MedianPositive, many.MedianPositive);
        Assert.Equal(one.MedianNegative, many.MedianNegative);
    }

    [Fact]
    public void AllEqualActivationsGiveThePositiveRate()
    {
        var labels = PromptLabels.FromRelations(["a", "a", "b", "c", "c", "c"]);
        var scores = ExpertiseScorer.Score(new float[6 * 2], 6, 2, labels);
        Assert.Equal([2 / 6.0, 2 / 6.0, 1 / 6.0, 1 / 6.0, 3 / 6.0, 3 / 6.0], scores.Ap);
    }

    [Fact]
    public void NaNNamesTheUnit()
    {
        var labels = PromptLabels.FromRelations(["a", "b", "a"]);
        float[] data = [0, 1, 2, 3, float.NaN, 5, 6, 7, float.NaN];
        var plan = ScoringPlan.Create(labels);
        var e = Assert.Throws<UserInputException>(() => ExpertiseScorer.Score(data, 3, 3, plan, unitName: u => $"L4.N{u}"));
        Assert.Contains("L4.N1", e.Message); // the lowest bad unit, whatever the thread order
    }

    [Fact]
    public void RelationWithoutNegativesIsAClearError()
    {
        var labels = new PromptLabels([new("a", "en"), new("b", "en"), new("a", "fr"), new("a", "fr")]);
        var e = Assert.Throws<UserInputException>(() => ScoringPlan.Create(labels));
        Assert.Contains("'a'", e.Message);
        Assert.Contains("fr", e.Message);
        Assert.Equal(2, ScoringPlan.Create(labels, NegativeScope.AllLanguages).Tasks.Count);
        Assert.Throws<UserInputException>(() => ScoringPlan.Create(PromptLabels.FromRelations(["x", "x"])));
    }

    [Fact]
    public void ShapeMismatchIsAClearError()
    {
        var labels = PromptLabels.FromRelations(["a", "b", "a"]);
        var e = Assert.Throws<UserInputException>(() => ExpertiseScorer.Score(new float[8], 4, 2, labels));
        Assert.Contains("4 prompts", e.Message);
        Assert.Throws<UserInputException>(() => ExpertiseScorer.Score(new float[7], 3, 2, labels));
    }
}
