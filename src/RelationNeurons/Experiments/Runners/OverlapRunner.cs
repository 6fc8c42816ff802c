using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>Overlap: shared units between relations' sets, per language the sets were found in, with per-layer counts. No evaluation needed.</summary>
public sealed class OverlapRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Overlap;

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner) => [];

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var sets = planner.Inputs.Sets;
        var matrices = sets.Languages.Select(lang => OverlapBuilder.Build(lang,
            sets.InLanguage(lang).OrderBy(s => s.Relation, StringComparer.Ordinal)
                .Select(s => new RelationNeuronSet(s.Relation, s.Neurons)).ToArray(),
            planner.Inputs.Config.NumHiddenLayers)).ToArray();
        return matrices.Length == 0 ? (null, "no neuron set") : (new OverlapResult(matrices), null);
    }
}
