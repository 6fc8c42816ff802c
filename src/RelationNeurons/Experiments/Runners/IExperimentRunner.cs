using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// One experiment in two steps: name the conditions it needs (so a suite can evaluate the
/// union of all experiments' conditions once), then build its result from their evaluations.
/// </summary>
public interface IExperimentRunner
{
    ExperimentKind Kind { get; }

    IEnumerable<ConditionRequest> Plan(ConditionPlanner planner);

    /// <summary>The result, or null with a reason when the inputs do not allow this experiment.</summary>
    (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation);
}

public static class ExperimentRunners
{
    public static IExperimentRunner For(ExperimentKind kind) => kind switch
    {
        ExperimentKind.Intra => new IntraRunner(),
        ExperimentKind.Inter => new InterRunner(),
        ExperimentKind.Cumulativity => new CumulativityRunner(),
        ExperimentKind.Overlap => new OverlapRunner(),
        ExperimentKind.CrossLingual => new CrossLingualRunner(),
        _ => throw ExperimentKinds.Unknown(kind),
    };
}
