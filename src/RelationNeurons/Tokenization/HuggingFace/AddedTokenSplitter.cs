namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>An entry of tokenizer.json "added_tokens".</summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip, bool SingleWord);

/// <summary>
/// Finds added tokens in text as Hugging Face's AddedVocabulary does: leftmost-longest matches,
/// with lstrip/rstrip absorbing neighbouring whitespace and single_word requiring word boundaries.
/// Text between matches is returned as segments for the normal pipeline.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly PrefixMatcher _matcher;
    private readonly Dictionary<string, AddedToken> _byContent;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens, Func<AddedToken, string> matchText)
    {
        _byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var t in tokens)
        {
            string text = matchText(t);
            if (text.Length > 0) _byContent.TryAdd(text, t);
        }
        _matcher = new PrefixMatcher(_byContent.Keys);
    }

    public bool IsEmpty => _byContent.Count == 0;

    /// <summary>Cuts text into (segment, token) parts in order: a part is either text (Token null) or one added token.</summary>
    public List<(int Start, int End, AddedToken? Token)> Split(string text)
    {
        var parts = new List<(int, int, AddedToken?)>();
        if (_byContent.Count == 0)
        {
            parts.Add((0, text.Length, null));
            return parts;
        }
        int segmentStart = 0;
        for (int pos = 0; pos < text.Length;)
        {
            int length = _matcher.Match(text, pos);
            if (length == 0) { pos++; continue; }
            var token = _byContent[text.Substring(pos, length)];
            int start = pos, end = pos + length;
            if (token.SingleWord && ((start > 0 && IsWordChar(text[start - 1])) || (end < text.Length && IsWordChar(text[end]))))
            {
                pos++;
                continue;
            }
            if (token.LStrip) while (start > segmentStart && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > segmentStart) parts.Add((segmentStart, start, null));
            parts.Add((start, end, token));
            segmentStart = pos = end;
        }
        if (segmentStart < text.Length) parts.Add((segmentStart, text.Length, null));
        return parts;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
