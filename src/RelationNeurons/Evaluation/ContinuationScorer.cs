using RelationNeurons.Data;
using RelationNeurons.Method;

namespace RelationNeurons.Evaluation;

/// <summary>
/// Turns generated text into a scored continuation and decides when generation of one test
/// prompt can stop, under the protocol's answer criterion:
/// <list type="bullet">
/// <item><see cref="AnswerMatch.PrefixOfAnswer"/> (the paper's): all generated text, trimmed, is
/// a prefix of an answer (<see cref="AnswerPrefix"/>); generation stops early only once it is wrong.</item>
/// <item><see cref="AnswerMatch.Answer"/>: the first line starts with an answer at a word boundary
/// (<see cref="AnswerMatcher"/>); generation stops at a newline or once the outcome is settled.</item>
/// </list>
/// </summary>
public sealed class ContinuationScorer
{
    private readonly AnswerMatch _match;
    private readonly AnswerMatcher _matcher;
    private readonly PreparedAnswers _answers;
    private readonly AnswerPrefix _prefix;

    public ContinuationScorer(AnswerMatcher matcher, IReadOnlyList<string> answers, string language, AnswerMatch match)
    {
        _match = match;
        _matcher = matcher;
        _answers = matcher.Prepare(answers, language);
        _prefix = new AnswerPrefix(answers);
    }

    /// <summary>The part of a continuation that is scored: everything before the first newline.</summary>
    public static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(['\n', '\r']);
        return nl < 0 ? text : text[..nl];
    }

    /// <summary>The part of a generation that is scored and kept: the first line, or all of it for the prefix criterion.</summary>
    public string Scored(string generated) => _match == AnswerMatch.PrefixOfAnswer ? generated : FirstLine(generated);

    /// <summary>Whether generation can stop after <paramref name="textSoFar"/>.</summary>
    public bool CanStop(string textSoFar, bool stopWhenDecided)
    {
        // A trailing replacement character is an unfinished multi-byte character: the next token completes it.
        bool unfinished = textSoFar.EndsWith('\uFFFD');
        if (_match == AnswerMatch.PrefixOfAnswer)
            return stopWhenDecided && !unfinished && _prefix.Decide(textSoFar) == AnswerDecision.Wrong;
        if (textSoFar.IndexOfAny(['\n', '\r']) >= 0) return true;
        if (!stopWhenDecided || unfinished) return false;
        return _matcher.Decide(textSoFar, _answers) != AnswerDecision.Undecided;
    }

    /// <summary>Whether a finished continuation is correct.</summary>
    public bool IsCorrect(string continuation) => _match == AnswerMatch.PrefixOfAnswer
        ? _prefix.IsCorrect(continuation)
        : _matcher.IsCorrect(FirstLine(continuation), _answers);
}
