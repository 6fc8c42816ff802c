using System.Globalization;
using System.Text;
using RelationNeurons.Inference;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Evaluation;

/// <summary>The error types of Table 4 of the paper, in the order they are tested.</summary>
public enum ErrorType
{
    /// <summary>The continuation repeats the prompt (see <see cref="ErrorTypes.Classify"/>).</summary>
    RepeatsPrompt,
    /// <summary>The continuation's first word is "The".</summary>
    StartsWithThe,
    /// <summary>The continuation starts with "A.".</summary>
    StartsWithA,
    Other,
}

/// <summary>A prompt that flipped from right (clean model) to wrong (under the intervention), with its new continuation.</summary>
public sealed record FlippedPrompt(string Relation, string Language, string FactId, string Prompt, string Subject, string Continuation);

/// <summary>Counts of one relation's flipped prompts by error type, their shares, and up to <see cref="ErrorTypes.ExamplesPerType"/> examples of each.</summary>
public sealed record ErrorTypeRow(
    string Relation,
    int Flipped,
    IReadOnlyDictionary<ErrorType, int> Counts,
    IReadOnlyDictionary<ErrorType, double> Shares,
    IReadOnlyDictionary<ErrorType, IReadOnlyList<FlippedPrompt>> Examples);

/// <summary>
/// Classifies the continuation (the paper: 20 new tokens) of a prompt that flipped from right to
/// wrong into the types of Table 4. The continuation is trimmed of white space at both ends; the
/// first type that applies wins, in this order:
/// <list type="number">
/// <item><b>repeats the prompt</b>: (a) the continuation starts with the subject (ordinal,
/// case-insensitive; in word units the subject must end at a word boundary, so "Apple's" starts
/// with "Apple" but "Applebee" does not), or (b) the continuation's first
/// N units, N = min(3, units of the prompt's body), occur as a contiguous run of the body's units.
/// The body is the prompt without a trailing "Answer:" and the "?"/":" and spaces before it.
/// Units are words (split on white space; punctuation at either end of a word dropped; compared
/// case-insensitively, invariant culture) when the body has at least two words; otherwise (Chinese,
/// Japanese: no spaces) the letters and digits one by one, so N is 3 characters.</item>
/// <item><b>"The"</b>: the first word, its trailing punctuation dropped, is exactly "The"
/// (case-sensitive: the answer the paper counts is the capitalised sentence start; "the" and "They" are not).</item>
/// <item><b>"A."</b>: the continuation starts with the two characters "A." (ordinal).</item>
/// <item><b>other</b>: everything else, an empty continuation included.</item>
/// </list>
/// </summary>
public static class ErrorTypes
{
    public const int RepeatWords = 3;
    public const int ExamplesPerType = 3;

    public static ErrorType Classify(string prompt, string subject, string continuation)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(continuation);
        string c = continuation.Trim();
        if (c.Length == 0) return ErrorType.Other;
        if (RepeatsPrompt(prompt, subject ?? "", c)) return ErrorType.RepeatsPrompt;
        if (FirstWord(c) == "The") return ErrorType.StartsWithThe;
        if (c.StartsWith("A.", StringComparison.Ordinal)) return ErrorType.StartsWithA;
        return ErrorType.Other;
    }

    public static string Label(ErrorType type) => type switch
    {
        ErrorType.RepeatsPrompt => "repeats the prompt",
        ErrorType.StartsWithThe => "The",
        ErrorType.StartsWithA => "A.",
        _ => "other",
    };

    /// <summary>One row per relation (first-seen order), every type present in the dictionaries (0 when none).</summary>
    public static IReadOnlyList<ErrorTypeRow> Table(IEnumerable<FlippedPrompt> flipped)
    {
        var rows = new List<ErrorTypeRow>();
        foreach (var group in flipped.GroupBy(f => f.Relation, StringComparer.Ordinal))
        {
            var items = group.ToList();
            var types = items.Select(f => Classify(f.Prompt, f.Subject, f.Continuation)).ToArray();
            var counts = new Dictionary<ErrorType, int>();
            var shares = new Dictionary<ErrorType, double>();
            var examples = new Dictionary<ErrorType, IReadOnlyList<FlippedPrompt>>();
            foreach (var t in Enum.GetValues<ErrorType>())
            {
                counts[t] = types.Count(x => x == t);
                shares[t] = items.Count == 0 ? 0 : (double)counts[t] / items.Count;
                examples[t] = items.Where((_, i) => types[i] == t).Take(ExamplesPerType).ToList();
            }
            rows.Add(new ErrorTypeRow(group.Key, items.Count, counts, shares, examples));
        }
        return rows;
    }

    /// <summary>
    /// The prompts right under <paramref name="clean"/> and wrong under <paramref name="intervened"/>,
    /// paired by (relation, language, fact id, prompt), with <paramref name="continuations"/> (the
    /// intervened model's longer continuation of each prompt text) and the subject of each.
    /// </summary>
    public static IReadOnlyList<FlippedPrompt> Flipped(EvaluationResult clean, EvaluationResult intervened,
        Func<PromptOutcome, string> subject, Func<PromptOutcome, string> continuation)
    {
        var right = clean.Outcomes.Where(o => o.Correct).Select(o => (o.Relation, o.Language, o.FactId, o.Prompt)).ToHashSet();
        return intervened.Outcomes.Where(o => !o.Correct && right.Contains((o.Relation, o.Language, o.FactId, o.Prompt)))
            .Select(o => new FlippedPrompt(o.Relation, o.Language, o.FactId, o.Prompt, subject(o), continuation(o))).ToList();
    }

    /// <summary>
    /// The continuations Table 4 classifies: <paramref name="maxNewTokens"/> (the paper's 20) greedy
    /// tokens of each prompt text under <paramref name="intervention"/>, without stopping at a
    /// newline (only at EOS, which is not part of the text), decoded. Prompts are encoded as the
    /// <see cref="Evaluator"/> encodes them (BOS as the tokenizer's configuration says). With the
    /// clean run's <paramref name="prefix"/> cache, prompts it holds resume from it (same tokens).
    /// </summary>
    public static IReadOnlyList<string> Continuations(LlamaModel model, ITokenizer tokenizer, IReadOnlyList<string> prompts,
        Intervention? intervention, int maxNewTokens = DefaultNewTokens, PrefixCache? prefix = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNewTokens);
        if (prompts.Count == 0) return [];
        var ids = prompts.Select(p => tokenizer.Encode(p, tokenizer.AddBosByDefault)).ToArray();
        var eos = model.Config.EosTokenIds;
        return model.Generate(ids, maxNewTokens, intervention?.ToHookSet(), prefix: prefix)
            .Select(g => tokenizer.Decode(g.NewIds.Length > 0 && eos.Contains(g.NewIds[^1]) ? g.NewIds.AsSpan(0, g.NewIds.Length - 1) : g.NewIds))
            .ToList();
    }

    /// <summary>New tokens per continuation in the paper's Table 4.</summary>
    public const int DefaultNewTokens = 20;

    /// <summary>The prompt without its "Answer:" suffix (and the "?", ":" and spaces before it).</summary>
    public static string Body(string prompt)
    {
        string body = prompt.TrimEnd();
        if (body.EndsWith("Answer:", StringComparison.OrdinalIgnoreCase)) body = body[..^"Answer:".Length];
        return body.TrimEnd().TrimEnd('?', '？', ':', '：').TrimEnd();
    }

    private static bool RepeatsPrompt(string prompt, string subject, string continuation)
    {
        var body = Body(prompt);
        bool words = Words(body).Count >= 2;
        var bodyUnits = Units(body, words);
        var cont = Units(continuation, words);
        string subj = subject.Trim();
        if (subj.Length > 0 && continuation.StartsWith(subj, StringComparison.OrdinalIgnoreCase)
            && (!words || continuation.Length == subj.Length || !char.IsLetterOrDigit(continuation[subj.Length]))) return true;
        int n = Math.Min(RepeatWords, bodyUnits.Count);
        if (n == 0 || cont.Count < n) return false;
        for (int start = 0; start + n <= bodyUnits.Count; start++)
            if (bodyUnits.Skip(start).Take(n).SequenceEqual(cont.Take(n))) return true;
        return false;
    }

    private static List<string> Units(string text, bool words)
    {
        if (words) return Words(text);
        var units = new List<string>();
        foreach (var rune in text.EnumerateRunes())
            if (Rune.IsLetterOrDigit(rune)) units.Add(rune.ToString().ToLowerInvariant());
        return units;
    }

    private static List<string> Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => TrimPunctuation(w).ToLowerInvariant()).Where(w => w.Length > 0).ToList();

    private static string FirstWord(string text)
    {
        int end = 0;
        while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
        string word = text[..end];
        int keep = word.Length;
        while (keep > 0 && char.IsPunctuation(word[keep - 1])) keep--;
        return word[..keep];
    }

    private static string TrimPunctuation(string word)
    {
        int start = 0, end = word.Length;
        while (start < end && IsEdge(word[start])) start++;
        while (end > start && IsEdge(word[end - 1])) end--;
        return word[start..end];
    }

    private static bool IsEdge(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.OtherPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.ConnectorPunctuation;
}
