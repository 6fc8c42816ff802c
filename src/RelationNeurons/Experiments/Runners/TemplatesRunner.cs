using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Fig 8: r's neurons deactivated on P^eva-2 (r's test facts in an alternative template, never
/// used for detection), against random sets, beside the same comparison on P^eva. P^eva-2 prompts
/// are evaluated as conditions of their own (label suffix <c>/alternative</c>); their clean
/// condition goes first and adds them to the prefix cache the intervened ones resume from.
/// </summary>
public sealed class TemplatesRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Templates;

    private const string NoPrompts = "the relation set has no alternative_templates (P^eva-2) for any relation with a neuron set";

    private static IEnumerable<(string Relation, string Language)> Pairs(ConditionPlanner planner) =>
        from lang in planner.Languages
        from rel in planner.RelationsIn(lang)
        where planner.AlternativePromptsOf(rel, lang).Count > 0
        select (rel, lang);

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        var pairs = Pairs(planner).ToArray();
        if (pairs.Length == 0) yield break;
        yield return planner.Clean();
        yield return planner.AlternativeClean();
        foreach (var (rel, lang) in pairs)
        {
            yield return planner.Deactivated(rel, lang);
            yield return planner.AlternativeDeactivated(rel, lang);
            foreach (long seed in planner.Seeds)
            {
                yield return planner.Random(rel, lang, seed);
                yield return planner.AlternativeRandom(rel, lang, seed);
            }
        }
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var pairs = Pairs(planner).ToArray();
        if (pairs.Length == 0) return (new TemplatesResult(planner.Options.Statistics, [], NoPrompts), NoPrompts);
        var stats = planner.Options.Statistics;
        var entries = pairs.Select(p =>
        {
            var (rel, lang) = p;
            int size = planner.Inputs.Sets.Get(rel, lang).Count;
            var original = IntraRelationBuilder.Build(rel, lang, size, evaluation(planner.Clean()), evaluation(planner.Deactivated(rel, lang)),
                planner.Seeds.Select(s => new SeededEvaluation(s, evaluation(planner.Random(rel, lang, s)))).ToArray(), stats);
            var alternative = IntraRelationBuilder.Build(rel, lang, size, evaluation(planner.AlternativeClean()), evaluation(planner.AlternativeDeactivated(rel, lang)),
                planner.Seeds.Select(s => new SeededEvaluation(s, evaluation(planner.AlternativeRandom(rel, lang, s)))).ToArray(), stats, "alternative");
            return new TemplateEntry(rel, lang, size, original.AllFacts, alternative.AllFacts);
        }).ToList();
        return (new TemplatesResult(planner.Options.Statistics, entries, null), null);
    }
}
