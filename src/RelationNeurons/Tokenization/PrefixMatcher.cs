namespace RelationNeurons.Tokenization;

/// <summary>
/// Longest-match lookup of a fixed set of strings at a position in a text (SentencePiece's
/// PrefixMatcher for user-defined symbols; Hugging Face's added tokens). Candidates are grouped by
/// their first character and tried longest first.
/// </summary>
internal sealed class PrefixMatcher
{
    private readonly Dictionary<char, string[]> _byFirstChar;

    public PrefixMatcher(IEnumerable<string> strings)
    {
        _byFirstChar = strings.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)
            .GroupBy(s => s[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>The length of the longest string that occurs at <paramref name="pos"/>, or 0.</summary>
    public int Match(string text, int pos)
    {
        if (_byFirstChar.Count == 0 || pos >= text.Length) return 0;
        if (!_byFirstChar.TryGetValue(text[pos], out var candidates)) return 0;
        var rest = text.AsSpan(pos);
        foreach (var c in candidates)
            if (rest.StartsWith(c, StringComparison.Ordinal)) return c.Length;
        return 0;
    }
}
