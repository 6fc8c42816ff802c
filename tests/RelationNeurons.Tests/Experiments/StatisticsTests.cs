using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Randomness;

namespace RelationNeurons.Tests.Experiments;

public class StatisticsTests
{
    private static readonly StatisticsSettings Fast = new(2000, 2000, 0.95, 7);

    [Fact]
    public void SplitMix64MatchesReferenceSequence()
    {
        // Reference outputs of Vigna's splitmix64.c for seed 1234567.
        var rng = new SplitMix64(1234567);
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong e in expected) Assert.Equal(e, rng.NextUInt64());
    }

    [Fact]
    public void NextIntIsInRangeAndRoughlyUniform()
    {
        var rng = new SplitMix64(42);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[rng.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        double d = new SplitMix64(1).NextDouble();
        Assert.InRange(d, 0, 1);
    }

    [Fact]
    public void DerivedSeedsDependOnEveryPartAndItsBoundaries()
    {
        Assert.Equal(SplitMix64.DeriveSeed(1, "a", "b"), SplitMix64.DeriveSeed(1, "a", "b"));
        Assert.NotEqual(SplitMix64.DeriveSeed(1, "ab", "c"), SplitMix64.DeriveSeed(1, "a", "bc"));
        Assert.NotEqual(SplitMix64.DeriveSeed(1, "a"), SplitMix64.DeriveSeed(2, "a"));
    }

    [Fact]
    public void IdenticalOutcomesGivePOneAndZeroInterval()
    {
        var c = PairedDifferenceTest.Compare(new double[50], Fast, 1);
        Assert.Equal(50, c.Count);
        Assert.Equal(0, c.Estimate);
        Assert.Equal(0, c.CiLow);
        Assert.Equal(0, c.CiHigh);
        Assert.Equal(1, c.PValue);
        Assert.False(c.CiExcludesZero);
    }

    [Fact]
    public void AllFlippedGivesSmallestPossiblePAndDegenerateInterval()
    {
        var d = Enumerable.Repeat(1.0, 50).ToArray();
        var c = PairedDifferenceTest.Compare(d, Fast, 1);
        Assert.Equal(1, c.Estimate);
        Assert.Equal(1, c.CiLow);
        Assert.Equal(1, c.CiHigh);
        // Monte Carlo: only the two all-same-sign patterns reach |sum| = 50 (chance 2^-49), so p = 1/(B+1).
        Assert.Equal(1.0 / (Fast.PermutationResamples + 1), c.PValue, 12);
        Assert.True(c.CiExcludesZero);
    }

    [Fact]
    public void ExactSignFlipMatchesHandCount()
    {
        // Three +1 differences: |sum| = 3 only for +++ and ---, so p = 2/8.
        Assert.Equal(0.25, PairedDifferenceTest.SignFlipPValue([1, 1, 1, 0, 0], 100, 1));
        // +1, +1, -1: |sum| >= 1 for every pattern.
        Assert.Equal(1.0, PairedDifferenceTest.SignFlipPValue([1, 1, -1], 100, 1));
        // Ten +1: p = 2 / 1024.
        Assert.Equal(2.0 / 1024, PairedDifferenceTest.SignFlipPValue(Enumerable.Repeat(1.0, 10).ToArray(), 100, 1));
    }

    [Fact]
    public void MonteCarloAgreesWithExactEnumeration()
    {
        double[] d = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, 0.5, 0.5, -0.5];
        double exact = PairedDifferenceTest.SignFlipPValue(d, 1, 3, exactLimit: 16);
        double mc = PairedDifferenceTest.SignFlipPValue(d, 40_000, 3, exactLimit: 0);
        Assert.InRange(exact, 0.02, 0.5);
        Assert.InRange(mc, exact - 0.01, exact + 0.01);
    }

    [Fact]
    public void BootstrapIntervalMatchesNormalApproximationForMixedDifferences()
    {
        // 100 facts: 40 lose recall (+1), 10 gain (-1), 50 unchanged. Mean 0.3, sd ≈ 0.7.
        var d = Enumerable.Repeat(1.0, 40).Concat(Enumerable.Repeat(-1.0, 10)).Concat(new double[50]).ToArray();
        var c = PairedDifferenceTest.Compare(d, new StatisticsSettings(5000, 5000, 0.95, 11), 5);
        double sd = Math.Sqrt(d.Select(x => (x - 0.3) * (x - 0.3)).Sum() / d.Length);
        double half = 1.96 * sd / Math.Sqrt(d.Length);
        Assert.Equal(0.3, c.Estimate, 12);
        Assert.InRange(c.CiLow, 0.3 - half * 1.15, 0.3 - half * 0.85);
        Assert.InRange(c.CiHigh, 0.3 + half * 0.85, 0.3 + half * 1.15);
        Assert.True(c.PValue < 0.001);
    }

    [Fact]
    public void SameSeedSameResultOtherSeedDiffers()
    {
        var rng = new SplitMix64(9);
        var d = Enumerable.Range(0, 60).Select(_ => (double)(rng.NextInt(3) - 1)).ToArray();
        var a = PairedDifferenceTest.Compare(d, Fast, 100);
        var b = PairedDifferenceTest.Compare(d, Fast, 100);
        var c = PairedDifferenceTest.Compare(d, Fast, 101);
        Assert.Equal(a, b);
        Assert.NotEqual((a.CiLow, a.CiHigh, a.PValue), (c.CiLow, c.CiHigh, c.PValue));
    }

    [Fact]
    public void QuantileInterpolatesLikeNumpy()
    {
        double[] s = [1, 2, 3, 4];
        Assert.Equal(1, PairedDifferenceTest.Quantile(s, 0));
        Assert.Equal(2.5, PairedDifferenceTest.Quantile(s, 0.5));
        Assert.Equal(3.25, PairedDifferenceTest.Quantile(s, 0.75));
        Assert.Equal(4, PairedDifferenceTest.Quantile(s, 1));
    }

    [Fact]
    public void EmptyInputIsNoEvidence()
    {
        var c = PairedDifferenceTest.Compare([], Fast, 1);
        Assert.Equal(new PairedComparison(0, 0, 0, 0, 1), c);
    }
}
