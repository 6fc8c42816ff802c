using RelationNeurons.Evaluation;
namespace RelationNeurons.Experiments.Results;

/// <summary>One step of a cumulativity sweep: a prefix of the ranking (<paramref name="Scale"/> = its size over N) and its random counterparts.</summary>
public sealed record CumulativityStep(double Scale, int NeuronCount, EvaluationResult Deactivated, IReadOnlyList<EvaluationResult> Random);

/// <summary>Computes a cumulativity curve; the clean model is added as the point at scale 0.</summary>
public static class CumulativityBuilder
{
    public static CumulativityCurve Build(string relation, string language, int setSize, int rankedUnits, long? totalUnits,
        EvaluationResult clean, IReadOnlyList<CumulativityStep> steps)
    {
        var p = new OutcomePairing(clean, relation, language);
        int[] before = Enumerable.Range(0, p.Count).Where(i => p.CleanCorrect[i]).ToArray();
        double? BeforeAcc(bool[] c) => before.Length == 0 ? null : OutcomePairing.Accuracy(c, before);

        double cleanAcc = OutcomePairing.Accuracy(p.CleanCorrect);
        var points = new List<CumulativityPoint> { new(0, 0, cleanAcc, cleanAcc, BeforeAcc(p.CleanCorrect), BeforeAcc(p.CleanCorrect)) };
        foreach (var step in steps.OrderBy(s => s.NeuronCount))
        {
            if (step.Random.Count == 0)
                throw new ArgumentException($"cumulativity step of {step.NeuronCount} units of '{relation}' has no random-set evaluation", nameof(steps));
            bool[] d = p.Align(step.Deactivated);
            bool[][] r = step.Random.Select(p.Align).ToArray();
            double? randomBefore = before.Length == 0 ? null : r.Average(x => OutcomePairing.Accuracy(x, before));
            points.Add(new CumulativityPoint(step.Scale, step.NeuronCount, OutcomePairing.Accuracy(d),
                r.Average(x => OutcomePairing.Accuracy(x)), BeforeAcc(d), randomBefore));
        }
        return new CumulativityCurve(relation, language, setSize, rankedUnits, totalUnits, points);
    }
}
