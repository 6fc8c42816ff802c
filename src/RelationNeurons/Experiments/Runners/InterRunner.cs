using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>Inter-relation: per language, the relation × relation matrix of accuracy change, with interference cells.</summary>
public sealed class InterRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Inter;

    // The same conditions as intra: each deactivation already covers every relation of its language.
    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner) => new IntraRunner().Plan(planner);

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var clean = evaluation(planner.Clean());
        var matrices = new List<InterRelationMatrix>();
        foreach (string lang in planner.Languages)
        {
            var rels = planner.RelationsIn(lang);
            if (rels.Count == 0) continue;
            var deact = rels.ToDictionary(r => r, r => evaluation(planner.Deactivated(r, lang)));
            var random = rels.ToDictionary(r => r, r => (IReadOnlyList<SeededEvaluation>)planner.Seeds
                .Select(s => new SeededEvaluation(s, evaluation(planner.Random(r, lang, s)))).ToArray());
            matrices.Add(InterRelationBuilder.Build(lang, rels, clean, deact, random));
        }
        return matrices.Count == 0
            ? (null, "no relation has both a neuron set and test prompts in the same language")
            : (new InterRelationResult(matrices), null);
    }
}
