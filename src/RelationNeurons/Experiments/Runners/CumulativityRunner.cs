using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Cumulativity: recall on r as growing prefixes of r's expertise ranking are deactivated, from a
/// handful of units to many times r's set, beside nested random prefixes; and the paper's
/// cumulativity check (Fig 6, Table 3) over each pair of consecutive points.
/// </summary>
public sealed class CumulativityRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Cumulativity;

    private static IEnumerable<(string Relation, string Language)> Curves(ConditionPlanner planner) =>
        from lang in planner.Languages
        where planner.Options.CumulativityLanguages is null || planner.Options.CumulativityLanguages.Contains(lang)
        from rel in planner.RelationsIn(lang)
        where planner.Inputs.Sets.Get(rel, lang).Count > 0
        select (rel, lang);

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        yield return planner.Clean();
        foreach (var (rel, lang) in Curves(planner))
            foreach (var (_, count) in planner.CumulativityCounts(rel, lang))
            {
                yield return planner.Prefix(rel, lang, count);
                foreach (long seed in planner.CumulativitySeeds) yield return planner.RandomPrefix(rel, lang, count, seed);
            }
        foreach (var (rel, lang) in Curves(planner))
            foreach (var (from, to) in Ranges(planner, rel, lang))
                yield return planner.Difference(rel, lang, from, to);
    }

    /// <summary>The mean over the language's other relations of their accuracy in <paramref name="result"/> (null: no other relation).</summary>
    private static double? OthersMean(EvaluationResult result, string relation, string language)
    {
        var others = result.Accuracy.Where(g => g.Language == language && g.Relation != relation).ToList();
        return others.Count == 0 ? null : others.Average(g => g.Accuracy);
    }

    /// <summary>Consecutive sweep points (the clean model left out): the ranges of the cumulativity check.</summary>
    private static IEnumerable<(int From, int To)> Ranges(ConditionPlanner planner, string relation, string language)
    {
        var counts = planner.CumulativityCounts(relation, language).Select(c => c.Count).ToArray();
        for (int i = 1; i < counts.Length; i++) yield return (counts[i - 1], counts[i]);
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var clean = evaluation(planner.Clean());
        var curves = new List<CumulativityCurve>();
        foreach (var (rel, lang) in Curves(planner))
        {
            int size = planner.Inputs.Sets.Get(rel, lang).Count;
            int ranked = planner.CumulativityRanking(rel, lang).Count;
            var steps = planner.CumulativityCounts(rel, lang).Select(c => new CumulativityStep(c.Scale, c.Count,
                evaluation(planner.Prefix(rel, lang, c.Count)),
                planner.CumulativitySeeds.Select(s => evaluation(planner.RandomPrefix(rel, lang, c.Count, s))).ToArray())).ToArray();
            var pairing = new OutcomePairing(clean, rel, lang);
            var checks = Ranges(planner, rel, lang).Select(r => CumulativityCheckBuilder.Check(r.From, r.To,
                pairing.Align(evaluation(planner.Prefix(rel, lang, r.From))), pairing.Align(evaluation(planner.Prefix(rel, lang, r.To))),
                pairing.Align(evaluation(planner.Difference(rel, lang, r.From, r.To))))).ToList();
            var curve = CumulativityBuilder.Build(rel, lang, size, ranked, planner.TotalUnits, clean, steps) with { Checks = checks };
            if (planner.Options.Sweep == CumulativitySweep.KSweep)
            {
                // Point 0 is the clean model; the others follow the steps in count order, as the builder made them.
                var byCount = steps.ToDictionary(s => s.NeuronCount, s => s.Deactivated);
                curve = curve with
                {
                    Points = curve.Points.Select(p => p with { AccuracyOthers = OthersMean(p.NeuronCount == 0 ? clean : byCount[p.NeuronCount], rel, lang) }).ToList(),
                };
            }
            curves.Add(curve);
        }
        return curves.Count == 0
            ? (null, "no non-empty neuron set with test prompts in a cumulativity language")
            : (new CumulativityResult(curves) { Ranges = CumulativityCheckBuilder.Summarize(curves) }, null);
    }
}
