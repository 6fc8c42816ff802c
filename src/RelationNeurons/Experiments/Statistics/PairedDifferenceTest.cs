using RelationNeurons.Randomness;

namespace RelationNeurons.Experiments.Statistics;

/// <summary>
/// Inference on a difference of accuracies measured on the same facts. The input is one
/// difference per fact (e.g. outcome under the random set minus outcome under the relation's set,
/// each 0 or 1, or a mean over random seeds); the estimate is their mean.
/// <list type="bullet">
/// <item>Confidence interval: percentile bootstrap over facts (resample facts with replacement).</item>
/// <item>p-value: two-sided paired sign-flip permutation test of "no difference" (under the null
/// the two conditions are exchangeable per fact, so each difference's sign is a fair coin).
/// Exact by enumeration when at most <see cref="ExactLimit"/> differences are non-zero,
/// otherwise Monte Carlo with the (count + 1) / (resamples + 1) correction, which never gives 0.</item>
/// </list>
/// Both are seeded and therefore reproducible.
/// </summary>
public static class PairedDifferenceTest
{
    /// <summary>Largest number of non-zero differences for which all 2^m sign patterns are enumerated.</summary>
    public const int ExactLimit = 16;

    public static PairedComparison Compare(ReadOnlySpan<double> differences, StatisticsSettings settings, ulong seed) =>
        Compare(differences, settings, seed, ExactLimit);

    internal static PairedComparison Compare(ReadOnlySpan<double> differences, StatisticsSettings settings, ulong seed, int exactLimit)
    {
        int n = differences.Length;
        if (n == 0) return new PairedComparison(0, 0, 0, 0, 1);
        foreach (double d in differences)
            if (!double.IsFinite(d)) throw new ArgumentException("differences must be finite", nameof(differences));
        double mean = Mean(differences);
        var (low, high) = BootstrapInterval(differences, settings.BootstrapResamples, settings.ConfidenceLevel,
            SplitMix64.DeriveSeed(seed, "bootstrap"));
        double p = SignFlipPValue(differences, settings.PermutationResamples, SplitMix64.DeriveSeed(seed, "permutation"), exactLimit);
        return new PairedComparison(n, mean, low, high, p);
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return values.Length == 0 ? 0 : sum / values.Length;
    }

    /// <summary>Percentile bootstrap interval of the mean at the given two-sided level.</summary>
    public static (double Low, double High) BootstrapInterval(ReadOnlySpan<double> values, int resamples, double level, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), "level must be in (0, 1)");
        int n = values.Length;
        if (n == 0) return (0, 0);
        var rng = new SplitMix64(seed);
        var means = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[rng.NextInt(n)];
            means[b] = sum / n;
        }
        Array.Sort(means);
        double alpha = (1 - level) / 2;
        return (Quantile(means, alpha), Quantile(means, 1 - alpha));
    }

    /// <summary>Linear-interpolation quantile of sorted data (NumPy's default, "type 7").</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0) throw new ArgumentException("no data", nameof(sorted));
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Two-sided sign-flip p-value for "mean difference = 0"; statistic |Σ d|.</summary>
    public static double SignFlipPValue(ReadOnlySpan<double> differences, int resamples, ulong seed, int exactLimit = ExactLimit)
    {
        var nonZero = new List<double>();
        foreach (double d in differences) if (d != 0) nonZero.Add(d);
        int m = nonZero.Count;
        if (m == 0) return 1; // every sign pattern gives the observed statistic
        double observed = Math.Abs(nonZero.Sum());
        double scale = 0;
        foreach (double d in nonZero) scale += Math.Abs(d);
        // Sums of the same values in another order differ by rounding; count those as ties.
        double threshold = observed - 1e-9 * scale;

        if (m <= exactLimit)
        {
            long atLeast = 0;
            long patterns = 1L << m;
            for (long mask = 0; mask < patterns; mask++)
            {
                double sum = 0;
                for (int i = 0; i < m; i++) sum += (mask >> i & 1) == 0 ? nonZero[i] : -nonZero[i];
                if (Math.Abs(sum) >= threshold) atLeast++;
            }
            return (double)atLeast / patterns;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var rng = new SplitMix64(seed);
        long count = 0;
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            int i = 0;
            // One 64-bit draw supplies 64 signs.
            while (i < m)
            {
                ulong bits = rng.NextUInt64();
                int take = Math.Min(64, m - i);
                for (int k = 0; k < take; k++, i++)
                    sum += (bits >> k & 1) == 0 ? nonZero[i] : -nonZero[i];
            }
            if (Math.Abs(sum) >= threshold) count++;
        }
        return (count + 1.0) / (resamples + 1.0);
    }
}
