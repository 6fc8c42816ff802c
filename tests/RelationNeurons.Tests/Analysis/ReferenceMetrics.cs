namespace RelationNeurons.Tests.Analysis;

/// <summary>
/// Straightforward transcriptions of scikit-learn's definitions, in double, for the fast code to
/// be checked against: <c>_binary_clf_curve</c> → <c>precision_recall_curve</c> →
/// <c>-sum(diff(recall) * precision[:-1])</c>, and numpy's median.
/// </summary>
internal static class ReferenceMetrics
{
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        int n = scores.Count;
        // desc_score_indices = argsort(y_score, kind="mergesort")[::-1]
        int[] order = Enumerable.Range(0, n).OrderBy(i => scores[i]).Reverse().ToArray();
        double[] y = order.Select(i => labels[i] ? 1.0 : 0.0).ToArray();
        double[] s = order.Select(i => scores[i]).ToArray();
        // distinct_value_indices = where(diff(y_score))[0]; threshold_idxs = r_[distinct, n - 1]
        var thresholdIdxs = new List<int>();
        for (int i = 0; i + 1 < n; i++) if (s[i + 1] - s[i] != 0) thresholdIdxs.Add(i);
        thresholdIdxs.Add(n - 1);
        double[] cumsum = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) { acc += y[i]; cumsum[i] = acc; }
        double[] tps = thresholdIdxs.Select(i => cumsum[i]).ToArray();
        double[] fps = thresholdIdxs.Select((i, k) => 1 + i - tps[k]).ToArray();
        if (tps[^1] == 0) throw new InvalidOperationException("no positives");
        double[] precision = tps.Select((tp, k) => tp + fps[k] == 0 ? 0 : tp / (tp + fps[k])).ToArray();
        double[] recall = tps.Select(tp => tp / tps[^1]).ToArray();
        // reverse and append (precision 1, recall 0)
        double[] p = precision.Reverse().Append(1.0).ToArray();
        double[] r = recall.Reverse().Append(0.0).ToArray();
        double sum = 0;
        for (int i = 0; i + 1 < r.Length; i++) sum += (r[i + 1] - r[i]) * p[i];
        return -sum;
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
