namespace RelationNeurons.Experiments.Statistics;

/// <summary>
/// A Wilcoxon signed-rank test: <see cref="Count"/> non-zero differences ranked by absolute value
/// (<see cref="Zeros"/> zero differences dropped), <see cref="WPlus"/> and <see cref="WMinus"/> the
/// rank sums of the positive and negative ones, <see cref="Statistic"/> = min(W+, W−) (scipy's
/// two-sided statistic), the two-sided <see cref="PValue"/>, whether it is <see cref="Exact"/>,
/// and <see cref="Z"/> (the normal approximation's z score with continuity correction; null when exact).
/// </summary>
public sealed record WilcoxonResult(int Count, int Zeros, double WPlus, double WMinus, double PValue, bool Exact, double? Z)
{
    public double Statistic => Math.Min(WPlus, WMinus);
}

/// <summary>
/// The two-sided Wilcoxon signed-rank test of "the differences are symmetric about 0" (App E of
/// the paper: frequencies of resilient against sensitive facts).
/// <list type="bullet">
/// <item>Zero differences are dropped before ranking (Wilcoxon's method; scipy's default <c>zero_method="wilcox"</c>).</item>
/// <item>Ties in |d| (exact floating-point equality) get the mean of the ranks they span (midranks).</item>
/// <item>Up to <see cref="ExactLimit"/> non-zero differences the p-value is exact: the null
/// distribution of W+ over all 2^n sign patterns of the actual (mid)ranks, counted by dynamic
/// programming over doubled ranks (integers). p = min(1, 2·min(P(W+ ≤ w), P(W+ ≥ w))). Without
/// ties this is scipy's <c>method="exact"</c>; with ties it is the exact permutation p-value
/// (scipy falls back to the normal approximation there).</item>
/// <item>Above, the normal approximation: mean n(n+1)/4, variance n(n+1)(2n+1)/24 − Σ(t³ − t)/48
/// over tie groups of size t, continuity correction 0.5 towards the mean (scipy's
/// <c>method="approx", correction=True</c>).</item>
/// </list>
/// No differences at all (none, or all zero) give p = 1.
/// </summary>
public static class WilcoxonSignedRank
{
    /// <summary>Largest number of non-zero differences with an exact p-value.</summary>
    public const int ExactLimit = 25;

    /// <summary>The test on paired samples: differences x[i] − y[i].</summary>
    public static WilcoxonResult Test(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"{x.Length} values against {y.Length}: the samples must be paired");
        var d = new double[x.Length];
        for (int i = 0; i < d.Length; i++) d[i] = x[i] - y[i];
        return Test(d);
    }

    public static WilcoxonResult Test(ReadOnlySpan<double> differences, int exactLimit = ExactLimit)
    {
        var nonZero = new List<double>(differences.Length);
        foreach (double v in differences)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("differences must be finite", nameof(differences));
            if (v != 0) nonZero.Add(v);
        }
        int zeros = differences.Length - nonZero.Count;
        int n = nonZero.Count;
        if (n == 0) return new WilcoxonResult(0, zeros, 0, 0, 1, true, null);

        var order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(nonZero[i])).ToArray();
        var doubledRanks = new int[n];     // 2 × midrank: an integer
        double tieTerm = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && Math.Abs(nonZero[order[end]]) == Math.Abs(nonZero[order[start]])) end++;
            int t = end - start;
            for (int j = start; j < end; j++) doubledRanks[order[j]] = start + 1 + end;   // ranks start+1 … end, mean (start+1+end)/2
            tieTerm += (double)t * t * t - t;
            start = end;
        }
        int wPlus2 = 0;
        for (int i = 0; i < n; i++) if (nonZero[i] > 0) wPlus2 += doubledRanks[i];
        double total = n * (n + 1) / 2.0;
        double wPlus = wPlus2 / 2.0, wMinus = total - wPlus;

        if (n <= exactLimit)
            return new WilcoxonResult(n, zeros, wPlus, wMinus, ExactPValue(doubledRanks, wPlus2), true, null);

        double mean = total / 2;
        double variance = n * (n + 1.0) * (2 * n + 1) / 24 - tieTerm / 48;
        double deviation = Math.Abs(wPlus - mean) - 0.5;
        double z = deviation <= 0 || variance <= 0 ? 0 : deviation / Math.Sqrt(variance);
        double p = Math.Min(1, Erfc(z / Math.Sqrt(2)));
        return new WilcoxonResult(n, zeros, wPlus, wMinus, p, false, wPlus >= mean ? z : -z);
    }

    /// <summary>Two-sided exact p of the doubled positive rank sum over all sign patterns of the doubled ranks.</summary>
    private static double ExactPValue(int[] doubledRanks, int observed)
    {
        int max = doubledRanks.Sum();
        var counts = new double[max + 1];   // ways to reach each doubled sum; at most 2^25, exact in double
        counts[0] = 1;
        int reach = 0;
        foreach (int r in doubledRanks)
        {
            for (int s = reach; s >= 0; s--) if (counts[s] != 0) counts[s + r] += counts[s];
            reach += r;
        }
        double all = Math.Pow(2, doubledRanks.Length), low = 0, high = 0;
        for (int s = 0; s <= max; s++)
        {
            if (s <= observed) low += counts[s];
            if (s >= observed) high += counts[s];
        }
        return Math.Min(1, 2 * Math.Min(low, high) / all);
    }

    /// <summary>
    /// The complementary error function to about 1e-14 relative: the everywhere-positive series
    /// erf(x) = 2/√π · e^(−x²) · Σ (2x²)^k x / (1·3·…·(2k+1)) below 2, Lentz's continued fraction above.
    /// </summary>
    internal static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2)
        {
            double term = x, sum = x;
            for (int k = 1; k < 200 && term > 1e-17 * sum; k++)
            {
                term *= 2 * x * x / (2 * k + 1);
                sum += term;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
        }
        if (x > 27) return 0;
        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), modified Lentz.
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double a = k / 2.0;
            d = x + a * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
            c = x + a / c; c = Math.Abs(c) < tiny ? tiny : c;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
