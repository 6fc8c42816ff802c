using RelationNeurons.Experiments.Statistics;

namespace RelationNeurons.Tests.Experiments;

/// <summary>
/// Reference values: scipy's documented example (Darwin's maize, exact), and for ties and the
/// normal approximation an independent Python computation (all 2^n sign patterns enumerated;
/// the approximation's formula with math.erfc).
/// </summary>
public class WilcoxonSignedRankTests
{
    [Fact]
    public void FiveOfFivePositiveGivesTwoInThirtyTwo()
    {
        var r = WilcoxonSignedRank.Test([1.0, 2, 3, 4, 5]);
        Assert.True(r.Exact);
        Assert.Equal(15, r.WPlus);
        Assert.Equal(0, r.Statistic);
        Assert.Equal(2.0 / 32, r.PValue, 15);
        Assert.Equal(2.0 / 32, WilcoxonSignedRank.Test([-0.5, -1.5, -2.5, -3.5, -4.5]).PValue, 15);
    }

    [Fact]
    public void DarwinsMaizeAsInScipysDocumentation()
    {
        double[] d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
        var r = WilcoxonSignedRank.Test(d);
        Assert.Equal(24, r.Statistic);
        Assert.Equal(96, r.WPlus);
        Assert.Equal(0.041259765625, r.PValue, 15);
        // Paired form: x − y.
        Assert.Equal(r, WilcoxonSignedRank.Test(d.Select(v => v + 100).ToArray(), Enumerable.Repeat(100.0, d.Length).ToArray()));
    }

    [Fact]
    public void TiesUseMidranksExactlyAndZerosAreDropped()
    {
        var r = WilcoxonSignedRank.Test([1, -1, 2, 2, 0, 3, -3, 3, 4, 0, -2, 5]);
        Assert.Equal(10, r.Count);
        Assert.Equal(2, r.Zeros);
        Assert.Equal(42.5, r.WPlus);
        Assert.Equal(12.5, r.WMinus);
        Assert.True(r.Exact);
        Assert.Equal(0.146484375, r.PValue, 15);
    }

    [Fact]
    public void NormalApproximationAboveTheLimitWithTieAndContinuityCorrection()
    {
        double[] d = Enumerable.Range(0, 40).Select(i => (double)((i * 37 % 23) - 9)).ToArray();
        var r = WilcoxonSignedRank.Test(d);
        Assert.False(r.Exact);
        Assert.Equal(39, r.Count);
        Assert.Equal(503, r.WPlus);
        Assert.Equal(1.5712574011853662, r.Z!.Value, 12);
        Assert.Equal(0.1161228717380851, r.PValue, 12);
        // Forcing the approximation on Darwin's data: close to the exact value.
        var approx = WilcoxonSignedRank.Test([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75], exactLimit: 0);
        Assert.False(approx.Exact);
        Assert.InRange(approx.PValue, 0.03, 0.06);
    }

    [Fact]
    public void DegenerateInputs()
    {
        var none = WilcoxonSignedRank.Test([0.0, 0, 0]);
        Assert.Equal(1, none.PValue);
        Assert.Equal(3, none.Zeros);
        Assert.Equal(1, WilcoxonSignedRank.Test([]).PValue);
        Assert.Equal(1, WilcoxonSignedRank.Test([1.0, -1.0]).PValue);
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRank.Test([double.NaN]));
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRank.Test([1.0], [1.0, 2.0]));
        // The exact p-value at the limit (25 values) is still a probability summed over 2^25 patterns.
        var at = WilcoxonSignedRank.Test(Enumerable.Range(1, 25).Select(i => (double)i).ToArray());
        Assert.Equal(2 / Math.Pow(2, 25), at.PValue);
    }

    [Theory]
    [InlineData(0.1, 0.8875370839817152)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(1.9, 0.0072095707647425325)]
    [InlineData(2.0, 0.004677734981047265)]
    [InlineData(2.5, 0.0004069520174449589)]
    [InlineData(4.0, 1.541725790028002e-08)]
    [InlineData(6.0, 2.1519736712498916e-17)]
    public void ErfcMatchesPython(double x, double expected)
    {
        Assert.True(Math.Abs(WilcoxonSignedRank.Erfc(x) - expected) <= 1e-13 * expected, $"{WilcoxonSignedRank.Erfc(x)} vs {expected}");
        Assert.True(Math.Abs(2 - expected - WilcoxonSignedRank.Erfc(-x)) < 1e-14);
    }
}
