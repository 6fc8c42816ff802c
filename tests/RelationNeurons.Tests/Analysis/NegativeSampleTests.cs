using RelationNeurons.Analysis;

namespace RelationNeurons.Tests.Analysis;

public class NegativeSampleTests
{
    /// <summary>Relations a (6 prompts per language), b (20), c (30) in en and de, shuffled together.</summary>
    private static PromptLabels Labels()
    {
        var labels = new List<PromptLabel>();
        foreach (string language in new[] { "en", "de" })
            foreach (var (relation, count) in new[] { ("a", 6), ("b", 20), ("c", 30) })
                for (int i = 0; i < count; i++) labels.Add(new PromptLabel(relation, language, $"{relation}{i}"));
        var rng = new RelationNeurons.Randomness.SplitMix64(5);
        rng.Shuffle(labels);
        return new PromptLabels(labels);
    }

    [Fact]
    public void FourTimesThePositivesFromOtherRelationsOfTheSameLanguageTheSameForTheSameSeed()
    {
        var labels = Labels();
        var plan = ScoringPlan.Create(labels);
        int a = plan.IndexOf("a.en");
        var sample = NegativeSample.Draw(plan, labels, a, 4, seed: 3);
        Assert.Equal(6, sample.PositivePrompts.Length);
        Assert.Equal(24, sample.Negatives.Length);
        Assert.Null(sample.Note);
        Assert.All(sample.PositivePrompts, p => Assert.Equal(("a", "en"), (labels[p].Relation, labels[p].Language)));
        Assert.All(sample.Negatives, p => Assert.True(labels[p].Relation != "a" && labels[p].Language == "en"));
        Assert.Equal(sample.Negatives.Length, sample.Negatives.Distinct().Count());
        Assert.Equal(sample.Rows, sample.PositivePrompts.Concat(sample.Negatives).Order());
        Assert.Equal(sample.Negatives, NegativeSample.Draw(plan, labels, a, 4, seed: 3).Negatives);
        Assert.NotEqual(sample.Negatives, NegativeSample.Draw(plan, labels, a, 4, seed: 4).Negatives);
        // Another relation's draw is its own stream: a's sample does not depend on b's being drawn.
        Assert.NotEqual(sample.Negatives, NegativeSample.Draw(plan, labels, plan.IndexOf("a.de"), 4, seed: 3).Negatives);
    }

    [Fact]
    public void APoolThatLosesOnePromptChangesAtMostOneNegative()
    {
        // Two runs whose validation kept the same prompts but one: the other rows shift down by one,
        // yet the sample is the same prompts, less the lost one and plus at most one replacement.
        var labels = Labels();
        var plan = ScoringPlan.Create(labels);
        var before = NegativeSample.Draw(plan, labels, plan.IndexOf("a.en"), 4, seed: 3);
        var beforeIds = before.Negatives.Select(r => labels[r]).ToHashSet();
        int changedNegatives = 0, draws = 0;
        for (int lost = 0; lost < labels.Count; lost++)
        {
            if (labels[lost].Relation == "a") continue; // positives change the sample's size, below
            var kept = new PromptLabels(labels.All.Where((_, i) => i != lost));
            var keptPlan = ScoringPlan.Create(kept);
            var after = NegativeSample.Draw(keptPlan, kept, keptPlan.IndexOf("a.en"), 4, seed: 3);
            var afterIds = after.Negatives.Select(r => kept[r]).ToHashSet();
            Assert.Equal(24, afterIds.Count);
            var gone = beforeIds.Except(afterIds).ToList();
            Assert.True(gone.Count == 0 || (gone.Count == 1 && gone[0] == labels[lost]), $"losing row {lost} replaced {gone.Count} negatives");
            Assert.Equal(gone.Count, afterIds.Except(beforeIds).Count());
            changedNegatives += gone.Count;
            draws++;
        }
        // The lost prompt was a negative exactly when it was one of the 24 of 50 English candidates.
        Assert.Equal(24, changedNegatives);
        Assert.Equal(100, draws);
    }

    [Fact]
    public void OnePositiveMoreAddsFourNegativesAndKeepsTheOthers()
    {
        var labels = Labels();
        var plan = ScoringPlan.Create(labels);
        var more = new PromptLabels(labels.All.Append(new PromptLabel("a", "en", "a-extra")));
        var morePlan = ScoringPlan.Create(more);
        var before = NegativeSample.Draw(plan, labels, plan.IndexOf("a.en"), 4, seed: 3).Negatives.Select(r => labels[r]).ToHashSet();
        var after = NegativeSample.Draw(morePlan, more, morePlan.IndexOf("a.en"), 4, seed: 3).Negatives.Select(r => more[r]).ToHashSet();
        Assert.Equal(28, after.Count);
        Assert.True(before.IsSubsetOf(after));
    }

    [Fact]
    public void RepeatedLabelsWithoutIdsAreStillDistinctCandidates()
    {
        // Labels that carry only relation and language (a hand-made record) are told apart by occurrence.
        var labels = PromptLabels.FromRelations(Enumerable.Repeat("a", 3).Concat(Enumerable.Repeat("b", 40)));
        var plan = ScoringPlan.Create(labels);
        var sample = NegativeSample.Draw(plan, labels, plan.IndexOf("a"), 4, seed: 7);
        Assert.Equal(12, sample.Negatives.Distinct().Count());
        Assert.All(sample.Negatives, r => Assert.Equal("b", labels[r].Relation));
    }

    [Fact]
    public void FewerCandidatesThanAskedTakesAllAndSaysSo()
    {
        var labels = Labels();
        var plan = ScoringPlan.Create(labels);
        var sample = NegativeSample.Draw(plan, labels, plan.IndexOf("c.en"), 4, seed: 0);
        Assert.Equal(26, sample.Negatives.Length); // a 6 + b 20 in English, less than 4 × 30
        Assert.Contains("all taken", sample.Note);
    }

    [Fact]
    public void TheTaskScoredOverItsSampleHasScikitLearnsApOnThoseRows()
    {
        var labels = Labels();
        var plan = ScoringPlan.Create(labels);
        int b = plan.IndexOf("b.de");
        var sample = NegativeSample.Draw(plan, labels, b, 2, seed: 1);
        var rng = new Random(9);
        int width = 5;
        // Coarse values, so that ties occur.
        var values = Enumerable.Range(0, labels.Count * width).Select(_ => (float)rng.Next(6)).ToArray();
        var subset = sample.Rows.SelectMany(r => values.AsSpan(r * width, width).ToArray()).ToArray();
        var scores = ExpertiseScorer.Score(subset, sample.Rows.Length, width, sample.Plan);
        for (int u = 0; u < width; u++)
        {
            var s = sample.Rows.Select(r => (double)values[r * width + u]).ToList();
            var y = sample.Rows.Select(r => labels[r].Relation == "b").ToList();
            Assert.Equal(ReferenceMetrics.AveragePrecision(s, y), scores.ApOf(sample.Task)[u], 12);
        }
    }
}
