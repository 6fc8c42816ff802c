using RelationNeurons.Analysis;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Statistics;

namespace RelationNeurons.Tests.Experiments;

public class FrequencySplitTests
{
    [Fact]
    public void MeansAndRelativeDifferencePerRelation()
    {
        FactFrequencyOutcome F(string rel, string id, long freq, FactSensitivity s) => new(rel, id, freq, s);
        var summary = FrequencySplit.Summarize(
        [
            F("a", "1", 10, FactSensitivity.Resilient), F("a", "2", 30, FactSensitivity.Resilient),
            F("a", "3", 5, FactSensitivity.Sensitive), F("a", "4", 15, FactSensitivity.Sensitive),
            F("b", "1", 4, FactSensitivity.Resilient),
            F("c", "1", 0, FactSensitivity.Resilient), F("c", "2", 7, FactSensitivity.Sensitive),
            F("d", "1", 8, FactSensitivity.Resilient), F("d", "2", 2, FactSensitivity.Sensitive),
        ]);
        Assert.Equal(["a", "b", "c", "d"], summary.Relations.Select(r => r.Relation));
        var a = summary.Relations[0];
        Assert.Equal((2, 2, 20.0, 10.0, -0.5), (a.Resilient, a.Sensitive, a.ResilientMean!.Value, a.SensitiveMean!.Value, a.RelativeDifference!.Value));
        var b = summary.Relations[1];
        Assert.Null(b.SensitiveMean);
        Assert.Null(b.RelativeDifference);
        Assert.Null(summary.Relations[2].RelativeDifference);   // resilient mean 0
        Assert.Equal(-0.75, summary.Relations[3].RelativeDifference);
        // The test pairs the relations with both kinds: a (10 − 20), c (7 − 0), d (2 − 8).
        Assert.NotNull(summary.Test);
        Assert.Equal(3, summary.Test!.Count);
        Assert.Equal(WilcoxonSignedRank.Test([-10.0, 7, -6]), summary.Test);
        Assert.Null(FrequencySplit.Summarize([F("x", "1", 3, FactSensitivity.Resilient)]).Test);
    }

    [Fact]
    public void SensitivityFromTwoEvaluationsAndJoinWithFrequencies()
    {
        PromptOutcome O(string fact, int template, bool correct) => new("r", "en", fact, $"t{template} {fact}", "x", correct);
        var clean = EvaluationResult.Create("clean", [O("a", 0, true), O("a", 1, true), O("b", 0, true), O("b", 1, false), O("c", 0, false)]);
        var off = EvaluationResult.Create("off", [O("a", 0, true), O("a", 1, false), O("b", 0, true), O("b", 1, false), O("c", 0, false)]);
        var s = FrequencySplit.Sensitivities(clean, off);
        Assert.Equal(FactSensitivity.Sensitive, s[("r", "a")]);
        Assert.Equal(FactSensitivity.Resilient, s[("r", "b")]);
        Assert.False(s.ContainsKey(("r", "c")));

        var freq = new[] { "a", "b", "c" }.Select((id, i) => new FactFrequency(new CooccurrenceFact("r", id, "S" + id, "O" + id), 10 * (i + 1))).ToArray();
        var joined = FrequencySplit.Join(freq, s);
        Assert.Equal([("a", 10L, FactSensitivity.Sensitive), ("b", 20L, FactSensitivity.Resilient)], joined.Select(j => (j.FactId, j.Frequency, j.Sensitivity)));
        Assert.Throws<ArgumentException>(() => FrequencySplit.Sensitivities(clean, EvaluationResult.Create("off", [])));
    }
}
