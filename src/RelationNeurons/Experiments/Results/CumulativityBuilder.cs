namespace RelationNeurons.Experiments.Results;

/// <summary>One step of a cumulativity sweep: a prefix of the ranked set and its random counterparts.</summary>
public sealed record CumulativityStep(double Share, int NeuronCount, EvaluationResult Deactivated, IReadOnlyList<EvaluationResult> Random);

/// <summary>Computes a cumulativity curve; the clean model is added as the point at share 0.</summary>
public static class CumulativityBuilder
{
    public static CumulativityCurve Build(string relation, string language, int rankedNeurons, EvaluationResult clean, IReadOnlyList<CumulativityStep> steps)
    {
        var p = new OutcomePairing(clean, relation, language);
        int[] before = Enumerable.Range(0, p.Count).Where(i => p.CleanCorrect[i]).ToArray();
        double? BeforeAcc(bool[] c) => before.Length == 0 ? null : OutcomePairing.Accuracy(c, before);

        double cleanAcc = OutcomePairing.Accuracy(p.CleanCorrect);
        var points = new List<CumulativityPoint> { new(0, 0, cleanAcc, cleanAcc, BeforeAcc(p.CleanCorrect), BeforeAcc(p.CleanCorrect)) };
        foreach (var step in steps.OrderBy(s => s.Share))
        {
            if (step.Random.Count == 0)
                throw new ArgumentException($"cumulativity step {step.Share} of '{relation}' has no random-set evaluation", nameof(steps));
            bool[] d = p.Align(step.Deactivated);
            bool[][] r = step.Random.Select(p.Align).ToArray();
            double? randomBefore = before.Length == 0 ? null : r.Average(x => OutcomePairing.Accuracy(x, before));
            points.Add(new CumulativityPoint(step.Share, step.NeuronCount, OutcomePairing.Accuracy(d),
                r.Average(x => OutcomePairing.Accuracy(x)), BeforeAcc(d), randomBefore));
        }
        return new CumulativityCurve(relation, language, rankedNeurons, points);
    }
}
