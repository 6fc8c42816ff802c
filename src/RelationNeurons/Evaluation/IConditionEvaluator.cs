using RelationNeurons.Data;

namespace RelationNeurons.Evaluation;

/// <summary>Evaluates test prompts under one condition; the experiment runners depend only on this.</summary>
public interface IConditionEvaluator
{
    /// <summary>Completes and scores every prompt with the intervention applied (null: the clean model).</summary>
    EvaluationResult Evaluate(string condition, IReadOnlyList<Prompt> prompts, Intervention? intervention);

    /// <summary>
    /// Said before intervened conditions over <paramref name="prompts"/> are evaluated when the
    /// clean condition is not (its result was stored): an evaluator may compute the clean work
    /// they share now. Nothing by default.
    /// </summary>
    void Prepare(IReadOnlyList<Prompt> prompts) { }
}
