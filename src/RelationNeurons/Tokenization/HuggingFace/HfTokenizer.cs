using System.Text;

namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer read from a Hugging Face tokenizer.json with a BPE model, encoding as the
/// `tokenizers` library does: added tokens are cut out first, each remaining segment is
/// normalized, pre-tokenized and run through BPE. Decoding skips special tokens (as
/// skip_special_tokens=True) and undoes either the byte-level alphabet (GPT-2/Llama-3 style) or
/// the "▁" spaces and byte-fallback pieces (SentencePiece/Llama-2 style).
/// </summary>
public sealed class HfTokenizer : ITokenizer
{
    private readonly HfNormalizer? _normalizer;
    private readonly HfPreTokenizer? _preTokenizer;
    private readonly HfBpeModel _model;
    private readonly AddedTokenSplitter _rawAddedTokens;
    private readonly AddedTokenSplitter _normalizedAddedTokens;
    private readonly string[] _pieces;
    private readonly HashSet<int> _specialIds;
    private readonly bool _stripLeadingSpace;

    internal HfTokenizer(HfNormalizer? normalizer, HfPreTokenizer? preTokenizer, HfBpeModel model, IReadOnlyList<AddedToken> addedTokens,
        string[] pieces, bool stripLeadingSpace, int bosId, IReadOnlyList<int> eosIds, bool addBosByDefault)
    {
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _model = model;
        AddedTokens = addedTokens;
        _rawAddedTokens = new AddedTokenSplitter(addedTokens.Where(t => !t.Normalized), t => t.Content);
        // Hugging Face matches a normalized added token by its normalized spelling, in normalized text.
        _normalizedAddedTokens = new AddedTokenSplitter(addedTokens.Where(t => t.Normalized), t => normalizer?.Apply(t.Content) ?? t.Content);
        _pieces = pieces;
        _specialIds = addedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();
        _stripLeadingSpace = stripLeadingSpace;
        BosId = bosId;
        EosIds = eosIds;
        AddBosByDefault = addBosByDefault && bosId >= 0;
        IsByteLevel = preTokenizer?.IsByteLevel ?? false;
    }

    public int VocabSize => _pieces.Length;
    public int BosId { get; }
    public IReadOnlyList<int> EosIds { get; }
    public bool AddBosByDefault { get; }
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Whether pieces are spelled in GPT-2's byte-level alphabet (Llama-3) rather than with "▁" and byte fallback (Llama-2).</summary>
    public bool IsByteLevel { get; }

    public int[] Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The reference library reads Rust strings, which cannot hold a lone surrogate.
        text = SentencePiece.SentencePieceNormalizer.ReplaceLoneSurrogates(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos && BosId >= 0) ids.Add(BosId);
        foreach (var (start, end, token) in _rawAddedTokens.Split(text))
        {
            if (token is not null) { ids.Add(token.Id); continue; }
            string segment = text[start..end];
            string normalized = _normalizer?.Apply(segment) ?? segment;
            foreach (var (s, e, inner) in _normalizedAddedTokens.Split(normalized))
            {
                if (inner is not null) { ids.Add(inner.Id); continue; }
                var piece = new TextPiece(normalized[s..e], start == 0 && s == 0);
                var words = _preTokenizer is null ? [piece] : _preTokenizer.Run([piece]);
                foreach (var w in words) _model.EncodeWord(w.Text, ids);
            }
        }
        return ids.ToArray();
    }

    public string IdToPiece(int id)
    {
        if (id < 0 || id >= _pieces.Length) throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {VocabSize}");
        return _pieces[id];
    }

    /// <summary>
    /// The text of ids, as transformers' fast tokenizers decode it. An id past the vocabulary
    /// decodes to nothing, as there: a model's head may be wider than its tokenizer (Qwen2 pads its
    /// embeddings to a multiple of 128), so greedy decoding can produce such an id.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>();
        var text = new StringBuilder();
        void Flush()
        {
            if (bytes.Count == 0) return;
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
        Span<byte> utf8 = stackalloc byte[4];
        foreach (int id in ids)
        {
            if (id < 0 || id >= _pieces.Length || _specialIds.Contains(id)) continue;
            string piece = _pieces[id];
            if (IsByteLevel)
            {
                foreach (var rune in piece.EnumerateRunes())
                {
                    if (rune.IsBmp && ByteLevelAlphabet.TryDecode((char)rune.Value, out byte b)) bytes.Add(b);
                    else
                    {
                        int n = rune.EncodeToUtf8(utf8);
                        for (int k = 0; k < n; k++) bytes.Add(utf8[k]);
                    }
                }
                continue;
            }
            if (_model.ByteFallback && BytePieces.TryParse(piece) is byte single)
            {
                bytes.Add(single);
                continue;
            }
            Flush();
            text.Append(piece.Replace('\u2581', ' '));
        }
        Flush();
        if (!IsByteLevel && _stripLeadingSpace && text.Length > 0 && text[0] == ' ') text.Remove(0, 1);
        return CleanUpTokenizationSpaces ? CleanUp(text.ToString()) : text.ToString();
    }

    /// <summary>tokenizer_config.json's clean_up_tokenization_spaces (Llama 3: true): decoding then drops the spaces before punctuation and contractions.</summary>
    public bool CleanUpTokenizationSpaces { get; init; }

    /// <summary>transformers' clean_up_tokenization, replacement by replacement in its order.</summary>
    internal static string CleanUp(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal).Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal).Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal).Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal).Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal).Replace(" 're", "'re", StringComparison.Ordinal);
}
