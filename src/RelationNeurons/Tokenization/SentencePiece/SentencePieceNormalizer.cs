using System.Text;

namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's Normalizer::Normalize for the identity rule set: optional removal of extra
/// spaces, the dummy "▁" prefix (or suffix) and the escaping of ' ' as "▁". Only ' ' counts as
/// whitespace here, as in the library; tabs and newlines pass through unchanged. User-defined
/// symbols are copied verbatim.
/// </summary>
internal sealed class SentencePieceNormalizer
{
    public const char SpaceSymbol = '\u2581';

    private readonly SentencePieceModel _model;
    private readonly PrefixMatcher _userDefined;

    public SentencePieceNormalizer(SentencePieceModel model, PrefixMatcher userDefined, string source)
    {
        if (model.PrecompiledCharsmap.Length > 0)
            throw new UserInputException($"{source}: normalization rules '{model.NormalizerName}' (precompiled_charsmap) are not supported; only the identity normalizer of Llama-style models is");
        _model = model;
        _userDefined = userDefined;
    }

    public string Normalize(string input)
    {
        input = ReplaceLoneSurrogates(input);
        var output = new StringBuilder(input.Length + 2);
        int pos = 0;
        bool removeExtra = _model.RemoveExtraWhitespaces;
        string space = _model.EscapeWhitespaces ? SpaceSymbol.ToString() : " ";

        if (removeExtra)
            while (pos < input.Length && input[pos] == ' ') pos++;
        if (pos >= input.Length) return "";

        if (!_model.TreatWhitespaceAsSuffix && _model.AddDummyPrefix) output.Append(space);

        bool isPrevSpace = removeExtra;
        while (pos < input.Length)
        {
            // One unit: a user-defined symbol (never normalized further) or one character.
            int userLength = _userDefined.Match(input, pos);
            int length = userLength > 0 ? userLength : char.IsHighSurrogate(input[pos]) && pos + 1 < input.Length ? 2 : 1;
            var unit = input.AsSpan(pos, length);
            pos += length;
            if (isPrevSpace) unit = unit.TrimStart(' ');
            if (!unit.IsEmpty)
            {
                foreach (char c in unit)
                {
                    if (c == ' ') output.Append(space);
                    else output.Append(c);
                }
                isPrevSpace = unit[^1] == ' ';
            }
            if (!removeExtra) isPrevSpace = false;
        }

        if (removeExtra)
            while (output.Length >= space.Length && output[^1] == space[0]) output.Length -= 1;
        if (_model.TreatWhitespaceAsSuffix && _model.AddDummyPrefix) output.Append(space);
        return output.ToString();
    }

    /// <summary>SentencePiece reads UTF-8 and turns malformed bytes into U+FFFD; a lone UTF-16 surrogate is our equivalent.</summary>
    internal static string ReplaceLoneSurrogates(string s)
    {
        int i = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) break;
        }
        if (i >= s.Length) return s;
        var sb = new StringBuilder(s.Length);
        for (int j = 0; j < s.Length; j++)
        {
            char c = s[j];
            if (char.IsHighSurrogate(c) && j + 1 < s.Length && char.IsLowSurrogate(s[j + 1])) { sb.Append(c).Append(s[j + 1]); j++; }
            else if (char.IsSurrogate(c)) sb.Append('\uFFFD');
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
