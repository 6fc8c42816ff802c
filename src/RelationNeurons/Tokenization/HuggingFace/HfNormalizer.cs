using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>One step of a tokenizer.json "normalizer" (the types Llama-family tokenizers use).</summary>
internal abstract class HfNormalizer
{
    public abstract string Apply(string text);

    /// <summary>Whether this normalizer puts "▁" in front of the text (SentencePiece's dummy prefix).</summary>
    public virtual bool PrependsSpaceSymbol => false;

    public static HfNormalizer? Parse(JsonElement? node, JsonFields j, string where = "normalizer")
    {
        if (node is not { } e) return null;
        string type = j.Type(e, where);
        switch (type)
        {
            case "Sequence":
                var steps = j.Array(j.Required(e, "normalizers", where), $"{where}.normalizers")
                    .Select((n, i) => Parse(n, j, $"{where}.normalizers[{i}]")).OfType<HfNormalizer>().ToArray();
                return new SequenceNormalizer(steps);
            case "Prepend":
                return new PrependNormalizer(j.String(j.Required(e, "prepend", where), $"{where}.prepend"));
            case "Replace":
                var (pattern, isRegex) = j.Pattern(e, where);
                return new ReplaceNormalizer(pattern, isRegex, j.String(j.Required(e, "content", where), $"{where}.content"), j.Source);
            // The project's own tables (Data/Unicode): under InvariantGlobalization .NET's
            // string.Normalize leaves non-ASCII text unchanged, so NFC would not compose "e" + U+0301.
            case "NFC" or "NFD" or "NFKC" or "NFKD":
                return new UnicodeNormalizer(type switch
                {
                    "NFC" => NormalizationForm.FormC, "NFD" => NormalizationForm.FormD, "NFKC" => NormalizationForm.FormKC, _ => NormalizationForm.FormKD,
                });
            case "Lowercase": return new LowercaseNormalizer();
            case "Strip":
                return new StripNormalizer(j.OptionalBool(e, "strip_left", where, true), j.OptionalBool(e, "strip_right", where, true));
            default:
                throw j.Error($"{where}: normalizer type '{type}' is not supported");
        }
    }
}

internal sealed class SequenceNormalizer(HfNormalizer[] steps) : HfNormalizer
{
    public override string Apply(string text)
    {
        foreach (var s in steps) text = s.Apply(text);
        return text;
    }

    public override bool PrependsSpaceSymbol => steps.Any(s => s.PrependsSpaceSymbol);
}

/// <summary>Prepends a string to non-empty text (Hugging Face skips empty text).</summary>
internal sealed class PrependNormalizer(string prefix) : HfNormalizer
{
    public override string Apply(string text) => text.Length == 0 ? text : prefix + text;
    public override bool PrependsSpaceSymbol => prefix == "\u2581";
}

internal sealed class ReplaceNormalizer : HfNormalizer
{
    private readonly string _pattern;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string pattern, bool isRegex, string content, string source)
    {
        _pattern = pattern;
        _content = content;
        if (isRegex)
        {
            try { _regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10)); }
            catch (ArgumentException e) { throw new UserInputException($"{source}: Replace regex is not supported by .NET: {e.Message}"); }
        }
        else if (pattern.Length == 0) throw new UserInputException($"{source}: Replace with an empty pattern");
    }

    public override string Apply(string text) =>
        _regex is not null ? _regex.Replace(text, _content.Replace("$", "$$")) : text.Replace(_pattern, _content, StringComparison.Ordinal);
}

internal sealed class UnicodeNormalizer(NormalizationForm form) : HfNormalizer
{
    public override string Apply(string text) => form switch
    {
        NormalizationForm.FormC => Data.Unicode.UnicodeNormalizer.Nfc(text),
        NormalizationForm.FormD => Data.Unicode.UnicodeNormalizer.Nfd(text),
        NormalizationForm.FormKC => Data.Unicode.UnicodeNormalizer.Nfkc(text),
        _ => Data.Unicode.UnicodeNormalizer.Nfkd(text),
    };
}

internal sealed class LowercaseNormalizer : HfNormalizer
{
    public override string Apply(string text) => text.ToLowerInvariant();
}

internal sealed class StripNormalizer(bool left, bool right) : HfNormalizer
{
    public override string Apply(string text) => (left, right) switch
    {
        (true, true) => text.Trim(),
        (true, false) => text.TrimStart(),
        (false, true) => text.TrimEnd(),
        _ => text,
    };
}
