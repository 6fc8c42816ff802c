using System.Text.Json;

namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>A piece of text on its way to the model; <see cref="AtTextStart"/> marks the piece that begins the original text.</summary>
internal readonly record struct TextPiece(string Text, bool AtTextStart);

/// <summary>How a split keeps the delimiters it found (SplitDelimiterBehavior of Hugging Face tokenizers).</summary>
internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>One step of a tokenizer.json "pre_tokenizer": cuts pieces into smaller pieces (and may rewrite them).</summary>
internal abstract class HfPreTokenizer
{
    public abstract void Apply(TextPiece piece, List<TextPiece> output);

    /// <summary>Whether the pieces this produces are spelled in GPT-2's byte-level alphabet.</summary>
    public virtual bool IsByteLevel => false;

    public virtual bool PrependsSpaceSymbol => false;

    public List<TextPiece> Run(List<TextPiece> input)
    {
        var output = new List<TextPiece>(input.Count);
        foreach (var p in input) Apply(p, output);
        return output;
    }

    public static HfPreTokenizer? Parse(JsonElement? node, JsonFields j, string where = "pre_tokenizer")
    {
        if (node is not { } e) return null;
        string type = j.Type(e, where);
        switch (type)
        {
            case "Sequence":
                var steps = j.Array(j.Required(e, "pretokenizers", where), $"{where}.pretokenizers")
                    .Select((n, i) => Parse(n, j, $"{where}.pretokenizers[{i}]")).OfType<HfPreTokenizer>().ToArray();
                return new SequencePreTokenizer(steps);
            case "Metaspace":
            {
                string replacement = j.OptionalString(e, "replacement", where) ?? "\u2581";
                if (replacement.Length != 1) throw j.Error($"{where}.replacement must be one character");
                string scheme = j.OptionalString(e, "prepend_scheme", where)
                                ?? (j.OptionalBool(e, "add_prefix_space", where, true) ? "always" : "never");
                if (scheme is not ("always" or "never" or "first")) throw j.Error($"{where}.prepend_scheme '{scheme}' is not always, never or first");
                return new MetaspacePreTokenizer(replacement[0], scheme, j.OptionalBool(e, "split", where, true));
            }
            case "ByteLevel":
                return new ByteLevelPreTokenizer(j.OptionalBool(e, "add_prefix_space", where, true), j.OptionalBool(e, "use_regex", where, true), j.Source);
            case "Split":
            {
                var (pattern, isRegex) = j.Pattern(e, where);
                string behavior = j.OptionalString(e, "behavior", where) ?? "Isolated";
                if (!Enum.TryParse<SplitBehavior>(behavior, out var b)) throw j.Error($"{where}.behavior '{behavior}' is unknown");
                return new SplitPreTokenizer(isRegex ? new RegexSplitter(pattern, j.Source) : null, isRegex ? null : pattern, b, j.OptionalBool(e, "invert", where, false));
            }
            case "Digits":
                return new SplitPreTokenizer(new RegexSplitter(j.OptionalBool(e, "individual_digits", where, false) ? @"\p{Nd}" : @"\p{Nd}+", j.Source), null, SplitBehavior.Isolated, false);
            case "WhitespaceSplit":
                return new SplitPreTokenizer(new RegexSplitter(@"\s+", j.Source), null, SplitBehavior.Removed, false);
            case "Whitespace":
                return new SplitPreTokenizer(new RegexSplitter(@"\w+|[^\w\s]+", j.Source), null, SplitBehavior.Removed, true);
            default:
                throw j.Error($"{where}: pre-tokenizer type '{type}' is not supported");
        }
    }

    /// <summary>Cuts <paramref name="text"/> at the given matches and keeps the delimiters as <paramref name="behavior"/> says.</summary>
    protected static void SplitAt(TextPiece piece, List<(int Start, int Length)> matches, SplitBehavior behavior, bool invert, List<TextPiece> output)
    {
        string text = piece.Text;
        // Alternating spans of (isDelimiter, start, end) that cover the text.
        var spans = new List<(bool Delimiter, int Start, int End)>();
        int pos = 0;
        foreach (var (start, length) in matches)
        {
            if (start > pos) spans.Add((invert, pos, start));
            spans.Add((!invert, start, start + length));
            pos = start + length;
        }
        if (pos < text.Length) spans.Add((invert, pos, text.Length));

        // Folded as Hugging Face's NormalizedString::split does for each behavior.
        var pieces = new List<(int Start, int End)>();
        bool previousDelimiter = false;
        int pendingNext = -1;
        foreach (var (delimiter, s, e) in spans)
        {
            switch (behavior)
            {
                case SplitBehavior.Removed:
                    if (!delimiter) pieces.Add((s, e));
                    break;
                case SplitBehavior.Isolated:
                    pieces.Add((s, e));
                    break;
                case SplitBehavior.Contiguous:
                    if (delimiter == previousDelimiter && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, e);
                    else pieces.Add((s, e));
                    break;
                case SplitBehavior.MergedWithPrevious:
                    if (delimiter && !previousDelimiter && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, e);
                    else pieces.Add((s, e));
                    break;
                case SplitBehavior.MergedWithNext:
                    if (delimiter)
                    {
                        if (pendingNext >= 0) pieces.Add((pendingNext, s));
                        pendingNext = s;
                    }
                    else
                    {
                        pieces.Add((pendingNext >= 0 ? pendingNext : s, e));
                        pendingNext = -1;
                    }
                    break;
            }
            previousDelimiter = delimiter;
        }
        if (pendingNext >= 0) pieces.Add((pendingNext, text.Length));
        foreach (var (s, e) in pieces)
            if (e > s) output.Add(new TextPiece(text[s..e], piece.AtTextStart && s == 0));
    }
}

internal sealed class SequencePreTokenizer(HfPreTokenizer[] steps) : HfPreTokenizer
{
    public override void Apply(TextPiece piece, List<TextPiece> output)
    {
        var current = new List<TextPiece> { piece };
        foreach (var s in steps) current = s.Run(current);
        output.AddRange(current);
    }

    public override bool IsByteLevel => steps.Any(s => s.IsByteLevel);
    public override bool PrependsSpaceSymbol => steps.Any(s => s.PrependsSpaceSymbol);
}

/// <summary>Spaces become the replacement character, which is prepended per the scheme and then starts each piece.</summary>
internal sealed class MetaspacePreTokenizer(char replacement, string prependScheme, bool split) : HfPreTokenizer
{
    public override bool PrependsSpaceSymbol => prependScheme != "never" && replacement == '\u2581';

    public override void Apply(TextPiece piece, List<TextPiece> output)
    {
        string text = piece.Text.Replace(' ', replacement);
        bool prepend = prependScheme == "always" || (prependScheme == "first" && piece.AtTextStart);
        if (prepend && !text.StartsWith(replacement)) text = replacement + text;
        if (!split)
        {
            if (text.Length > 0) output.Add(piece with { Text = text });
            return;
        }
        var matches = new List<(int, int)>();
        for (int i = 0; i < text.Length; i++) if (text[i] == replacement) matches.Add((i, 1));
        SplitAt(new TextPiece(text, piece.AtTextStart), matches, SplitBehavior.MergedWithNext, false, output);
    }
}

/// <summary>GPT-2's pre-tokenizer: optional leading space, the GPT-2 word regex, then bytes spelled in the byte-level alphabet.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex, string source) : HfPreTokenizer
{
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    private readonly RegexSplitter? _regex = useRegex ? new RegexSplitter(Gpt2Pattern, source) : null;

    public override bool IsByteLevel => true;

    public override void Apply(TextPiece piece, List<TextPiece> output)
    {
        string text = piece.Text;
        if (addPrefixSpace && !text.StartsWith(' ')) text = " " + text;
        var split = new List<TextPiece>();
        if (_regex is not null) SplitAt(new TextPiece(text, piece.AtTextStart), _regex.Matches(text), SplitBehavior.Isolated, false, split);
        else if (text.Length > 0) split.Add(piece with { Text = text });
        foreach (var p in split) output.Add(p with { Text = ByteLevelAlphabet.EncodeText(p.Text) });
    }
}

internal sealed class SplitPreTokenizer(RegexSplitter? regex, string? literal, SplitBehavior behavior, bool invert) : HfPreTokenizer
{
    public override void Apply(TextPiece piece, List<TextPiece> output)
    {
        List<(int, int)> matches;
        if (regex is not null) matches = regex.Matches(piece.Text);
        else
        {
            matches = [];
            if (!string.IsNullOrEmpty(literal))
                for (int i = piece.Text.IndexOf(literal, StringComparison.Ordinal); i >= 0; i = piece.Text.IndexOf(literal, i + literal.Length, StringComparison.Ordinal))
                    matches.Add((i, literal.Length));
        }
        SplitAt(piece, matches, behavior, invert, output);
    }
}

