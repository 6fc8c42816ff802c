using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Cumulativity: recall on r as growing prefixes of r's expertise ranking are deactivated, from a
/// handful of units to many times r's set, beside nested layer-matched random prefixes.
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
            curves.Add(CumulativityBuilder.Build(rel, lang, size, ranked, planner.TotalUnits, clean, steps));
        }
        return curves.Count == 0
            ? (null, "no non-empty neuron set with test prompts in a cumulativity language")
            : (new CumulativityResult(curves), null);
    }
}
