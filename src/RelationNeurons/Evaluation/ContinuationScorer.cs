using RelationNeurons.Data;

namespace RelationNeurons.Evaluation;

/// <summary>
/// Turns generated text into a scored continuation and decides when generation of one test
/// prompt can stop: at a newline (the answer is on the first line), or once the answer matcher
/// says the outcome can no longer change.
/// </summary>
public sealed class ContinuationScorer
{
    private readonly AnswerMatcher _matcher;
    private readonly PreparedAnswers _answers;

    public ContinuationScorer(AnswerMatcher matcher, IReadOnlyList<string> answers, string language)
    {
        _matcher = matcher;
        _answers = matcher.Prepare(answers, language);
    }

    /// <summary>The part of a continuation that is scored: everything before the first newline.</summary>
    public static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(['\n', '\r']);
        return nl < 0 ? text : text[..nl];
    }

    /// <summary>Whether generation can stop after <paramref name="textSoFar"/>.</summary>
    public bool CanStop(string textSoFar, bool stopWhenDecided)
    {
        if (textSoFar.IndexOfAny(['\n', '\r']) >= 0) return true;
        if (!stopWhenDecided) return false;
        // A trailing replacement character is an unfinished multi-byte character: the next token completes it.
        if (textSoFar.EndsWith('\uFFFD')) return false;
        return _matcher.Decide(textSoFar, _answers) != AnswerDecision.Undecided;
    }

    /// <summary>Whether a finished continuation's first line is correct.</summary>
    public bool IsCorrect(string continuation) => _matcher.IsCorrect(FirstLine(continuation), _answers);
}
