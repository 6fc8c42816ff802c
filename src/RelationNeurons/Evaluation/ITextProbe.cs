namespace RelationNeurons.Evaluation;

/// <summary>
/// What some experiments need from the model besides scored prompts: the perplexity of texts
/// (Table 2) and long continuations of prompts (Table 4), each under an intervention (null: the
/// clean model). <see cref="Evaluator"/> implements it on the engine; tests implement it by rule.
/// </summary>
public interface ITextProbe
{
    PerplexityResult Perplexity(IReadOnlyList<string> texts, Intervention? intervention);

    /// <summary><paramref name="maxNewTokens"/> greedy tokens of each prompt, decoded, as <see cref="ErrorTypes.Continuations"/> makes them.</summary>
    IReadOnlyList<string> Continue(IReadOnlyList<string> prompts, Intervention? intervention, int maxNewTokens);
}
