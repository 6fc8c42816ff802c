namespace RelationNeurons.Analysis;

/// <summary>
/// Average precision exactly as scikit-learn's <c>average_precision_score</c> defines it for a
/// binary target: scores sorted in descending order, tied scores grouped into one threshold,
/// AP = Σ_k (R_k − R_{k−1})·P_k over the distinct thresholds (no interpolation).
/// </summary>
public static class AveragePrecision
{
    /// <summary>
    /// AP of <paramref name="scores"/> for the binary target <paramref name="isPositive"/>.
    /// Needs at least one positive; refuses NaN and infinite scores as scikit-learn does.
    /// </summary>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive)
    {
        if (scores.Length != isPositive.Length)
            throw new ArgumentException($"{scores.Length} scores but {isPositive.Length} labels");
        int positives = 0;
        foreach (bool b in isPositive) if (b) positives++;
        if (positives == 0) throw new UserInputException("average precision is undefined without a positive example");

        var sorted = new DescendingSort(scores.Length).Sort(scores, out int bad);
        if (bad >= 0) throw new UserInputException($"score {bad} is {scores[bad]}; average precision needs finite scores");

        double sum = 0;
        int tp = 0, seen = 0, lastTp = 0;
        for (int i = 0; i < sorted.Length;)
        {
            uint key = DescendingSort.KeyOf(sorted[i]);
            int j = i;
            while (j < sorted.Length && DescendingSort.KeyOf(sorted[j]) == key)
            {
                if (isPositive[DescendingSort.IndexOf(sorted[j])]) tp++;
                j++;
            }
            seen += j - i;
            if (tp != lastTp) { sum += (double)(tp - lastTp) * tp / seen; lastTp = tp; }
            i = j;
        }
        return sum / positives;
    }
}
