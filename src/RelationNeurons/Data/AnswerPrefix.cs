namespace RelationNeurons.Data;

/// <summary>
/// The paper's answer criterion (METHOD.md §5): the generated text (its tokens decoded together),
/// leading and trailing whitespace trimmed and case-folded, is correct when it is a non-empty
/// prefix of the object or of another accepted answer, also trimmed and case-folded. "Jensen Hu"
/// for "Jensen Huang" is right, "The" for "Paris" is wrong, an empty or blank generation is wrong.
/// Case folding is <see cref="string.ToLowerInvariant"/>: the same for every user's locale.
/// </summary>
public sealed class AnswerPrefix
{
    private readonly string[] _answers;

    public AnswerPrefix(IReadOnlyList<string> answers) =>
        _answers = answers.Select(Fold).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    public static string Fold(string text) => text.Trim().ToLowerInvariant();

    public static bool IsCorrect(string generated, IReadOnlyList<string> answers) => new AnswerPrefix(answers).IsCorrect(generated);

    public bool IsCorrect(string generated)
    {
        string g = Fold(generated);
        return g.Length > 0 && _answers.Any(a => a.StartsWith(g, StringComparison.Ordinal));
    }

    /// <summary>
    /// Wrong once the text so far is not a prefix of any answer (more text cannot make it one);
    /// otherwise undecided, since the next token may still leave the answer. A trailing blank is
    /// not evidence of anything (it is trimmed), and a blank text may still be followed by the answer.
    /// </summary>
    public AnswerDecision Decide(string textSoFar)
    {
        string g = Fold(textSoFar);
        if (g.Length == 0) return AnswerDecision.Undecided;
        return _answers.Any(a => a.StartsWith(g, StringComparison.Ordinal)) ? AnswerDecision.Undecided : AnswerDecision.Wrong;
    }
}
