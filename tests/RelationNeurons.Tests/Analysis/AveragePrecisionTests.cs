using RelationNeurons.Analysis;

namespace RelationNeurons.Tests.Analysis;

public class AveragePrecisionTests
{
    private static double Fast(float[] scores, bool[] labels) => AveragePrecision.Compute(scores, labels);
    private static double Reference(float[] scores, bool[] labels) =>
        ReferenceMetrics.AveragePrecision(scores.Select(s => (double)s).ToArray(), labels);

    [Fact]
    public void MatchesScikitLearnDocumentationExample()
    {
        // sklearn docs: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333...
        Assert.Equal(5.0 / 6.0, Fast([0.1f, 0.4f, 0.35f, 0.8f], [false, false, true, true]), 1e-15);
    }

    [Fact]
    public void TiedThresholdIsOneStep()
    {
        // Scores 0.9 (pos), 0.5 (pos), 0.5 (neg), 0.1 (neg): thresholds 0.9 -> P=1,R=.5; 0.5 -> P=2/3,R=1.
        double expected = 0.5 * 1 + 0.5 * (2.0 / 3.0);
        Assert.Equal(expected, Fast([0.9f, 0.5f, 0.5f, 0.1f], [true, true, false, false]), 1e-15);
        Assert.Equal(expected, Reference([0.9f, 0.5f, 0.5f, 0.1f], [true, true, false, false]), 1e-15);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(7, 3)]
    [InlineData(60, 4)]
    [InlineData(500, 6)]
    [InlineData(3000, 50)]
    [InlineData(3000, 100000)]
    public void EqualsReferenceOnRandomDataWithTies(int n, int distinctValues)
    {
        var rng = new Random(n * 31 + distinctValues);
        for (int trial = 0; trial < 20; trial++)
        {
            float[] scores = Enumerable.Range(0, n).Select(_ => (float)(rng.Next(distinctValues) - distinctValues / 2) * 0.37f).ToArray();
            double rate = rng.NextDouble();
            bool[] labels = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < rate).ToArray();
            labels[rng.Next(n)] = true;
            Assert.Equal(Reference(scores, labels), Fast(scores, labels), 1e-12);
        }
    }

    [Fact]
    public void AllEqualScoresGiveThePositiveRate()
    {
        float[] scores = Enumerable.Repeat(0.25f, 40).ToArray();
        bool[] labels = Enumerable.Range(0, 40).Select(i => i % 4 == 1).ToArray();
        Assert.Equal(10.0 / 40.0, Fast(scores, labels), 1e-15);
        Assert.Equal(10.0 / 40.0, Reference(scores, labels), 1e-15);
    }

    [Fact]
    public void SinglePositiveGivesOneOverItsTiedRank()
    {
        // The positive ties with two negatives at the third-highest score: 5 prompts score >= it.
        float[] scores = [5f, 4f, 3f, 3f, 3f, 1f];
        bool[] labels = [false, false, false, true, false, false];
        Assert.Equal(1.0 / 5.0, Fast(scores, labels), 1e-15);
        Assert.Equal(1.0 / 5.0, Reference(scores, labels), 1e-15);
    }

    [Fact]
    public void NoPositiveIsAClearError()
    {
        var e = Assert.Throws<UserInputException>(() => Fast([1f, 2f], [false, false]));
        Assert.Contains("positive", e.Message);
    }

    [Fact]
    public void NonFiniteScoresAreRefused()
    {
        Assert.Throws<UserInputException>(() => Fast([1f, float.NaN], [true, false]));
        Assert.Throws<UserInputException>(() => Fast([1f, float.PositiveInfinity], [true, false]));
    }

    [Fact]
    public void NegativeAndPositiveZeroTie()
    {
        // numpy: diff([0.0, -0.0]) == 0, so both zeros are one threshold.
        float[] scores = [1f, 0f, -0f, -1f];
        bool[] labels = [false, true, false, true];
        Assert.Equal(Reference([1f, 0f, 0f, -1f], labels), Fast(scores, labels), 1e-15);
    }

    [Fact]
    public void ExtremeAndSubnormalValuesSortCorrectly()
    {
        float[] scores = [float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 0f, 1e-30f, -1e30f, 3f];
        var rng = new Random(3);
        for (int trial = 0; trial < 50; trial++)
        {
            bool[] labels = scores.Select(_ => rng.Next(2) == 0).ToArray();
            labels[trial % scores.Length] = true;
            Assert.Equal(Reference(scores, labels), Fast(scores, labels), 1e-12);
        }
    }
}
