using RelationNeurons.Data;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Experiments.Evaluation;

/// <summary>Evaluates test prompts under one condition; the experiment runners depend only on this.</summary>
public interface IConditionEvaluator
{
    /// <summary>Completes and scores every prompt with the intervention applied (null: the clean model).</summary>
    EvaluationResult Evaluate(string condition, IReadOnlyList<Prompt> prompts, Intervention? intervention);
}
