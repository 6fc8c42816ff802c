using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>Intra-relation: r's set deactivated, recall on r in the set's language, against its random baselines.</summary>
public sealed class IntraRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Intra;

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        yield return planner.Clean();
        foreach (string lang in planner.Languages)
            foreach (string rel in planner.RelationsIn(lang))
            {
                yield return planner.Deactivated(rel, lang);
                foreach (long seed in planner.Seeds) yield return planner.Random(rel, lang, seed);
            }
        if (planner.Inputs.DetectionPrompts is not { Count: > 0 }) yield break;
        yield return planner.DetectionClean();
        foreach (string lang in planner.Languages)
            foreach (string rel in planner.RelationsIn(lang).Where(r => planner.DetectionPromptsOf(r, lang).Count > 0))
            {
                yield return planner.DetectionDeactivated(rel, lang);
                foreach (long seed in planner.Seeds) yield return planner.DetectionRandom(rel, lang, seed);
            }
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var clean = evaluation(planner.Clean());
        var entries = new List<IntraRelationEntry>();
        foreach (string lang in planner.Languages)
            foreach (string rel in planner.RelationsIn(lang))
            {
                var random = planner.Seeds.Select(s => new SeededEvaluation(s, evaluation(planner.Random(rel, lang, s)))).ToArray();
                int size = planner.Inputs.Sets.Get(rel, lang).Count;
                var entry = IntraRelationBuilder.Build(rel, lang, size, clean, evaluation(planner.Deactivated(rel, lang)), random, planner.Options.Statistics);
                if (planner.Inputs.DetectionPrompts is { Count: > 0 } && planner.DetectionPromptsOf(rel, lang).Count > 0)
                {
                    var detectionRandom = planner.Seeds.Select(s => new SeededEvaluation(s, evaluation(planner.DetectionRandom(rel, lang, s)))).ToArray();
                    var detection = IntraRelationBuilder.Build(rel, lang, size, evaluation(planner.DetectionClean()),
                        evaluation(planner.DetectionDeactivated(rel, lang)), detectionRandom, planner.Options.Statistics, IntraRelationBuilder.DetectionSubset);
                    entry = entry with { DetectionPrompts = detection.AllFacts };
                }
                entries.Add(entry);
            }
        return entries.Count == 0
            ? (null, "no relation has both a neuron set and test prompts in the same language")
            : (new IntraRelationResult(planner.Options.Statistics, entries), null);
    }
}
