using RelationNeurons.Evaluation;
namespace RelationNeurons.Experiments.Results;

/// <summary>Computes the relation × relation matrices of one language from per-row evaluations.</summary>
public static class InterRelationBuilder
{
    /// <param name="deactivated">per row relation: the evaluation (on all relations) with that relation's neurons deactivated</param>
    /// <param name="random">per row relation: evaluations with layer-matched random sets of the same size</param>
    public static InterRelationMatrix Build(
        string language,
        IReadOnlyList<string> relations,
        EvaluationResult clean,
        IReadOnlyDictionary<string, EvaluationResult> deactivated,
        IReadOnlyDictionary<string, IReadOnlyList<SeededEvaluation>> random)
    {
        int n = relations.Count;
        var pairings = relations.Select(r => new OutcomePairing(clean, r, language)).ToArray();
        var change = NewMatrix(n);
        var randomChange = NewMatrix(n);
        var changeBefore = NewMatrix(n);
        var randomChangeBefore = NewMatrix(n);
        var interference = new List<InterferenceCell>();
        var relative = Enumerable.Range(0, n).Select(_ => new double?[n]).ToArray();
        var randomRelative = Enumerable.Range(0, n).Select(_ => new double?[n]).ToArray();
        IReadOnlyList<long>? seeds = null;

        for (int row = 0; row < n; row++)
        {
            string r = relations[row];
            if (!deactivated.TryGetValue(r, out var deact))
                throw new UserInputException($"inter-relation experiment: no evaluation with the neurons of '{r}' deactivated");
            if (!random.TryGetValue(r, out var rand) || rand.Count == 0)
                throw new UserInputException($"inter-relation experiment: no random-set evaluation for the row of '{r}'");
            seeds ??= rand.Select(s => s.Seed).ToArray();

            for (int col = 0; col < n; col++)
            {
                var p = pairings[col];
                bool[] clean0 = p.CleanCorrect;
                int[] before = Enumerable.Range(0, p.Count).Where(i => clean0[i]).ToArray();
                double accClean = OutcomePairing.Accuracy(clean0);
                bool[] d = p.Align(deact);
                change[row][col] = OutcomePairing.Accuracy(d) - accClean;
                changeBefore[row][col] = before.Length == 0 ? 0 : OutcomePairing.Accuracy(d, before) - 1;
                double rc = 0, rcb = 0;
                foreach (var s in rand)
                {
                    bool[] a = p.Align(s.Result);
                    rc += OutcomePairing.Accuracy(a) - accClean;
                    rcb += before.Length == 0 ? 0 : OutcomePairing.Accuracy(a, before) - 1;
                }
                randomChange[row][col] = rc / rand.Count;
                randomChangeBefore[row][col] = rcb / rand.Count;
                relative[row][col] = RelativeDrop(accClean, change[row][col]);
                randomRelative[row][col] = RelativeDrop(accClean, randomChange[row][col]);

                if (row != col && change[row][col] > 0)
                {
                    var flippedUp = Enumerable.Range(0, p.Count).Where(i => !clean0[i] && d[i]).Select(i => p.Clean[i].FactId).ToArray();
                    int flippedDown = Enumerable.Range(0, p.Count).Count(i => clean0[i] && !d[i]);
                    interference.Add(new InterferenceCell(r, relations[col], change[row][col], randomChange[row][col], flippedUp, flippedDown));
                }
            }
        }
        return new InterRelationMatrix(language, relations.ToArray(), seeds ?? [],
            pairings.Select(p => p.Count).ToArray(), pairings.Select(p => OutcomePairing.Accuracy(p.CleanCorrect)).ToArray(),
            change, randomChange, changeBefore, randomChangeBefore, interference, relative, randomRelative);
    }

    /// <summary>(acc_clean − acc_after) / acc_clean, from the change acc_after − acc_clean; null when nothing was recalled clean.</summary>
    public static double? RelativeDrop(double accuracyClean, double change) => accuracyClean > 0 ? -change / accuracyClean : null;

    internal static double[][] NewMatrix(int n) => Enumerable.Range(0, n).Select(_ => new double[n]).ToArray();
}
