using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>
/// Runs a pre-tokenizer regex the way the Rust regex engines of Hugging Face tokenizers see text:
/// one code point at a time. .NET regexes see UTF-16 units, so a character outside the BMP would
/// be two units that match neither \p{L} nor \p{N}; each such character is therefore replaced,
/// before matching, by one BMP stand-in of the same class (letter, number, other), and match
/// positions are mapped back. Pre-tokenizer patterns only test these classes, whitespace and
/// ASCII, so the stand-ins give the same matches.
/// </summary>
internal sealed class RegexSplitter
{
    private const char LetterStandIn = '\u4E00';   // CJK ideograph: \p{Lo}
    private const char NumberStandIn = '\u0660';   // Arabic-Indic digit zero: \p{Nd}
    private const char OtherStandIn = '\u00A4';    // currency sign: \p{Sc}

    private readonly Regex _regex;
    private readonly string _source;

    public RegexSplitter(string pattern, string source)
    {
        _source = source;
        try
        {
            _regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"{source}: pre-tokenizer regex is not supported by .NET: {e.Message}");
        }
    }

    /// <summary>The (start, length) of every non-empty match in <paramref name="text"/>, in UTF-16 units of the original text.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        try { return MatchesUnchecked(text); }
        catch (RegexMatchTimeoutException)
        {
            throw new UserInputException($"{_source}: pre-tokenizer regex '{_regex}' took too long on a text of {text.Length} characters");
        }
    }

    private List<(int Start, int Length)> MatchesUnchecked(string text)
    {
        var result = new List<(int, int)>();
        bool astral = false;
        foreach (char c in text) if (char.IsSurrogate(c)) { astral = true; break; }
        if (!astral)
        {
            foreach (Match m in _regex.Matches(text))
                if (m.Length > 0) result.Add((m.Index, m.Length));
            return result;
        }

        // Map positions: standIn index -> original index (with one extra entry for the end).
        var mapped = new StringBuilder(text.Length);
        var origin = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            origin.Add(i);
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int cp = char.ConvertToUtf32(c, text[i + 1]);
                mapped.Append(CharUnicodeInfo.GetUnicodeCategory(cp) switch
                {
                    UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => LetterStandIn,
                    UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => NumberStandIn,
                    _ => OtherStandIn,
                });
                i++;
            }
            else mapped.Append(char.IsSurrogate(c) ? OtherStandIn : c);
        }
        origin.Add(text.Length);
        foreach (Match m in _regex.Matches(mapped.ToString()))
        {
            if (m.Length == 0) continue;
            int start = origin[m.Index];
            int end = origin[m.Index + m.Length];
            result.Add((start, end - start));
        }
        return result;
    }
}
