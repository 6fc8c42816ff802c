using System.Globalization;
using System.Text;

namespace RelationNeurons.Data;

/// <summary>Whether a (possibly unfinished) continuation already settles correctness.</summary>
public enum AnswerDecision
{
    /// <summary>More text could still change the outcome.</summary>
    Undecided,
    /// <summary>An accepted answer was matched and a word boundary follows it.</summary>
    Correct,
    /// <summary>No accepted answer can be matched anymore, whatever comes next.</summary>
    Wrong,
}

/// <summary>Options of <see cref="AnswerMatcher"/>.</summary>
public sealed record AnswerMatchOptions
{
    /// <summary>Drop diacritics ("Zürich" = "Zurich"). Default on: models often write names either way.</summary>
    public bool StripAccents { get; init; } = true;
    /// <summary>Drop one leading article ("the euro" = "euro") in en, de, fr, es.</summary>
    public bool StripArticles { get; init; } = true;
}

/// <summary>
/// The one rule by which every stage scores factual recall: a continuation is correct when, both
/// normalised, it starts with one of the accepted answers and a word boundary follows. "Paris."
/// matches Paris; "Parisian" does not; "New York City" matches "New York"; "New" does not.
/// Normalisation: Unicode NFKC, case folding, accent stripping (optional), punctuation and symbols
/// to spaces, whitespace collapsed, one leading article of the prompt's language removed.
/// </summary>
public sealed class AnswerMatcher
{
    private static readonly Dictionary<string, string[]> ArticlesByLanguage = new(StringComparer.Ordinal)
    {
        ["en"] = ["the", "a", "an"],
        ["de"] = ["der", "die", "das", "den", "dem", "des", "ein", "eine"],
        // "l'" becomes "l" once punctuation turns into spaces.
        ["fr"] = ["le", "la", "les", "l", "un", "une"],
        ["es"] = ["el", "la", "los", "las", "un", "una"],
    };

    private static readonly string[] AllArticles = ArticlesByLanguage.Values.SelectMany(a => a).Distinct().ToArray();

    public AnswerMatcher(AnswerMatchOptions? options = null) => Options = options ?? new AnswerMatchOptions();

    public AnswerMatchOptions Options { get; }

    /// <summary>The default matcher, shared by every stage that scores recall.</summary>
    public static AnswerMatcher Default { get; } = new();

    /// <summary>
    /// The normalised form of a text. <paramref name="language"/> picks the articles to strip;
    /// null strips the articles of every supported language.
    /// </summary>
    public string Normalize(string text, string? language = null) => NormalizeForms(text, language).Stripped.TrimEnd(' ');

    /// <summary>Answers normalised once, for scoring many continuations (one per generated token).</summary>
    public PreparedAnswers Prepare(IReadOnlyList<string> answers, string? language = null) =>
        new(answers.Select(a => Normalize(a, language)).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToArray(), language);

    /// <summary>Whether a finished continuation is correct (its end counts as a word boundary).</summary>
    public bool IsCorrect(string continuation, IReadOnlyList<string> answers, string? language = null) =>
        IsCorrect(continuation, Prepare(answers, language));

    public bool IsCorrect(string continuation, PreparedAnswers answers) => MatchedAnswer(continuation, answers) is not null;

    /// <summary>The normalised accepted answer a finished continuation matches, or null.</summary>
    public string? MatchedAnswer(string continuation, PreparedAnswers answers)
    {
        var (full, stripped) = NormalizeForms(continuation, answers.Language);
        string? best = null;
        foreach (string a in answers.Normalized)
            if ((StartsWithAtBoundary(stripped.TrimEnd(' '), a, endIsBoundary: true) || StartsWithAtBoundary(full.TrimEnd(' '), a, endIsBoundary: true))
                && (best is null || a.Length > best.Length))
                best = a;
        return best;
    }

    /// <summary>
    /// Whether generation can stop: Correct once an answer is matched and followed by a boundary
    /// (space, punctuation, newline); Wrong once no answer can be matched whatever follows;
    /// otherwise Undecided. At the end of generation use <see cref="IsCorrect(string, PreparedAnswers)"/>,
    /// which counts the end of text as a boundary.
    /// </summary>
    public AnswerDecision Decide(string continuationSoFar, IReadOnlyList<string> answers, string? language = null) =>
        Decide(continuationSoFar, Prepare(answers, language));

    public AnswerDecision Decide(string continuationSoFar, PreparedAnswers answers)
    {
        // Forms keep a trailing space: it is the evidence that the last word is finished.
        var (full, stripped) = NormalizeForms(continuationSoFar, answers.Language);
        if (full.Length == 0) return AnswerDecision.Undecided;
        foreach (string a in answers.Normalized)
            if (StartsWithAtBoundary(stripped, a, endIsBoundary: false) || StartsWithAtBoundary(full, a, endIsBoundary: false))
                return AnswerDecision.Correct;

        // A lone article (or the start of one) may still be followed by the answer.
        string trimmed = full.TrimEnd(' ');
        foreach (string article in ArticlesFor(answers.Language))
            if (article.StartsWith(trimmed, StringComparison.Ordinal)) return AnswerDecision.Undecided;

        // The text so far is a prefix of an answer (or the whole answer, whose last word may still
        // go on: "Paris" -> "Parisian"): it may still become a match.
        foreach (string a in answers.Normalized)
            if (a.StartsWith(stripped, StringComparison.Ordinal) || a.StartsWith(full, StringComparison.Ordinal))
                return AnswerDecision.Undecided;
        return AnswerDecision.Wrong;
    }

    private static bool StartsWithAtBoundary(string text, string answer, bool endIsBoundary)
    {
        if (answer.Length == 0 || !text.StartsWith(answer, StringComparison.Ordinal)) return false;
        if (text.Length == answer.Length) return endIsBoundary;
        char next = text[answer.Length];
        return next == ' ' || IsUnspacedScript(answer[^1]) || IsUnspacedScript(next);
    }

    /// <summary>
    /// Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
    /// Myanmar): there every character edge is a possible word boundary.
    /// </summary>
    private static bool IsUnspacedScript(char c) =>
        c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u3040' and <= '\u30FF')
            or (>= '\u0E00' and <= '\u0EFF') or (>= '\u1780' and <= '\u17FF') or (>= '\u1000' and <= '\u109F')
            or (>= '\uF900' and <= '\uFAFF');

    private IReadOnlyList<string> ArticlesFor(string? language)
    {
        if (!Options.StripArticles) return [];
        if (language is null) return AllArticles;
        return ArticlesByLanguage.TryGetValue(language, out var list) ? list : [];
    }

    /// <summary>
    /// Normalised text without and with its leading article removed; leading spaces removed, a
    /// single trailing space kept if there was one. A continuation is matched in both forms, so
    /// that an answer which is itself an article word ("A") still matches "A and B".
    /// </summary>
    private (string Full, string Stripped) NormalizeForms(string text, string? language)
    {
        // NFKD, fold case, drop marks if asked, compose again: NFKC of the folded text.
        string d = UnicodeText.Normalize(text, NormalizationForm.FormKD).ToLowerInvariant();
        if (Options.StripAccents) d = RemoveAccents(d);
        string s = UnicodeText.Normalize(d, NormalizationForm.FormC);

        var sb = new StringBuilder(s.Length);
        bool pendingSpace = false;
        foreach (Rune r in s.EnumerateRunes())
        {
            // Case folding beyond ToLowerInvariant: ß -> ss, final sigma -> sigma.
            if (r.Value == 'ß') { AppendRune(sb, ref pendingSpace, new Rune('s')); AppendRune(sb, ref pendingSpace, new Rune('s')); continue; }
            Rune c = r.Value == 'ς' ? new Rune('σ') : r;
            if (Rune.IsLetterOrDigit(c) || IsMark(c)) AppendRune(sb, ref pendingSpace, c);
            else pendingSpace = true; // punctuation, symbols, whitespace, controls
        }
        if (pendingSpace && sb.Length > 0) sb.Append(' ');
        string collapsed = sb.ToString();
        return (collapsed, StripLeadingArticle(collapsed, language));
    }

    private static void AppendRune(StringBuilder sb, ref bool pendingSpace, Rune c)
    {
        if (pendingSpace && sb.Length > 0) sb.Append(' ');
        pendingSpace = false;
        sb.Append(c.ToString());
    }

    private static bool IsMark(Rune c) => Rune.GetUnicodeCategory(c)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private string StripLeadingArticle(string s, string? language)
    {
        int space = s.IndexOf(' ');
        // Only when more follows: an answer that is just "A" or "Die" stays what it is.
        if (space <= 0 || space == s.Length - 1) return s;
        string first = s[..space];
        foreach (string article in ArticlesFor(language))
            if (first == article) return s[(space + 1)..];
        return s;
    }

    /// <summary>Drops the combining marks of decomposed text, and the strokes NFKD cannot separate.</summary>
    private static string RemoveAccents(string decomposed)
    {
        var sb = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            // Letters whose stroke is not a combining mark, so NFD leaves them whole.
            switch (c)
            {
                case 'ø': sb.Append('o'); break;
                case 'ł': sb.Append('l'); break;
                case 'đ': sb.Append('d'); break;
                case 'ħ': sb.Append('h'); break;
                case 'ı': sb.Append('i'); break;
                case 'æ': sb.Append("ae"); break;
                case 'œ': sb.Append("oe"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}

/// <summary>Accepted answers, normalised once for one prompt's language.</summary>
public sealed record PreparedAnswers(IReadOnlyList<string> Normalized, string? Language);
