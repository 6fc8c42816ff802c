using System.Text;

namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>
/// A tokenizer over a SentencePiece model that encodes and decodes as the SentencePiece library
/// (SentencePieceProcessor) does with default options: normalize, segment (BPE), then spell
/// pieces that are not in the vocabulary as byte pieces when byte_fallback is on.
/// </summary>
public sealed class SentencePieceTokenizer : ITokenizer
{
    private readonly SentencePieceModel _model;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly SentencePieceBpeEncoder? _bpe;
    private readonly SentencePieceUnigramEncoder? _unigram;
    private readonly int[] _byteIds = new int[256];
    private readonly List<int> _eosIds;

    /// <param name="addBos">Whether BOS is added by default (tokenizer_config.json's add_bos_token); Llama's default is yes.</param>
    public SentencePieceTokenizer(SentencePieceModel model, string source = "tokenizer.model", int? bosId = null, IReadOnlyList<int>? eosIds = null, bool? addBos = null)
    {
        _model = model;
        var pieces = new Dictionary<string, int>(StringComparer.Ordinal);
        var reserved = new Dictionary<string, int>(StringComparer.Ordinal);
        var userDefined = new List<string>();
        for (int i = 0; i < model.Pieces.Count; i++)
        {
            var p = model.Pieces[i];
            bool normalLike = p.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            (normalLike ? pieces : reserved).TryAdd(p.Piece, i);
            if (p.Type == PieceType.UserDefined) userDefined.Add(p.Piece);
            if (p.Type == PieceType.Byte && BytePieces.TryParse(p.Piece) is byte b) _byteIds[b] = i;
        }
        var matcher = new PrefixMatcher(userDefined);
        _normalizer = new SentencePieceNormalizer(model, matcher, source);
        switch (model.ModelType)
        {
            case SentencePieceModelType.Bpe: _bpe = new SentencePieceBpeEncoder(model, pieces, reserved, matcher); break;
            case SentencePieceModelType.Unigram: _unigram = new SentencePieceUnigramEncoder(model, pieces); break;
            default: throw new UserInputException($"{source}: SentencePiece model type {model.ModelType} is not supported (BPE and Unigram are)");
        }

        BosId = ValidId(model.BosId) ? model.BosId : bosId ?? -1;
        _eosIds = [];
        if (ValidId(model.EosId)) _eosIds.Add(model.EosId);
        foreach (int e in eosIds ?? []) if (!_eosIds.Contains(e)) _eosIds.Add(e);
        AddBosByDefault = (addBos ?? true) && BosId >= 0;
    }

    public static SentencePieceTokenizer Load(string path, int? bosId = null, IReadOnlyList<int>? eosIds = null, bool? addBos = null) =>
        new(SentencePieceModelReader.Load(path), path, bosId, eosIds, addBos);

    private bool ValidId(int id) => id >= 0 && id < _model.Pieces.Count;

    public SentencePieceModel Model => _model;
    public int VocabSize => _model.Pieces.Count;
    public int BosId { get; }
    public IReadOnlyList<int> EosIds => _eosIds;
    /// <summary>Llama's SentencePiece models are used with BOS prepended unless tokenizer_config.json says otherwise.</summary>
    public bool AddBosByDefault { get; }

    /// <summary>The normalized form SentencePiece segments (exposed for diagnostics and tests).</summary>
    public string Normalize(string text) => _normalizer.Normalize(text);

    public int[] Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos && BosId >= 0) ids.Add(BosId);
        string normalized = _normalizer.Normalize(text);
        var segments = _bpe is not null ? _bpe.Encode(normalized) : _unigram!.Encode(normalized);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < segments.Count; i++)
        {
            var (start, length, foundId) = segments[i];
            int id = foundId < 0 ? _model.UnkId : foundId;
            if (id != _model.UnkId)
            {
                ids.Add(id);
                continue;
            }
            // A run of unknown pieces is one unknown piece, as in the library.
            while (i + 1 < segments.Count && (segments[i + 1].Id < 0 || segments[i + 1].Id == _model.UnkId))
                length += segments[++i].Length;
            if (!_model.ByteFallback)
            {
                ids.Add(id);
                continue;
            }
            // With byte fallback, unknown text is spelled as its UTF-8 bytes, one byte piece each.
            foreach (var rune in normalized.AsSpan(start, length).EnumerateRunes())
            {
                int n = rune.EncodeToUtf8(utf8);
                for (int k = 0; k < n; k++) ids.Add(_byteIds[utf8[k]]);
            }
        }
        return ids.ToArray();
    }

    public string IdToPiece(int id)
    {
        if (!ValidId(id)) throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {VocabSize}");
        return _model.Pieces[id].Piece;
    }

    /// <summary>
    /// SentencePieceProcessor::Decode: control pieces vanish, unknown pieces read as unk_surface,
    /// runs of byte pieces become UTF-8 (malformed bytes as U+FFFD), "▁" becomes a space. The
    /// dummy-prefix "▁" is dropped from the first piece that starts with one while nothing has been
    /// written yet; with remove_extra_whitespaces every such leading "▁" is dropped. An id past the
    /// vocabulary decodes to nothing (SentencePiece itself refuses it): a model's head may be wider
    /// than its tokenizer, and transformers' fast tokenizers skip such ids too.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        bool isBosWhitespace = true;
        bool bosWhitespaceSeen = false;
        void FlushBytes()
        {
            if (bytes.Count == 0) return;
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }

        foreach (int id in ids)
        {
            if (!ValidId(id)) continue;
            var entry = _model.Pieces[id];
            if (entry.Type == PieceType.Byte)
            {
                bytes.Add(BytePieces.TryParse(entry.Piece)!.Value);
                continue;
            }
            FlushBytes();
            if (bosWhitespaceSeen || text.Length > 0) isBosWhitespace = false;
            bosWhitespaceSeen = false;
            switch (entry.Type)
            {
                case PieceType.Control: break;
                case PieceType.Unknown: text.Append(_model.UnkSurface); break;
                default:
                    var piece = entry.Piece.AsSpan();
                    if (isBosWhitespace && (_model.AddDummyPrefix || _model.RemoveExtraWhitespaces) && piece.Length > 0 && piece[0] == SentencePieceNormalizer.SpaceSymbol)
                    {
                        piece = piece[1..];
                        bosWhitespaceSeen = !_model.RemoveExtraWhitespaces;
                    }
                    text.Append(piece.ToString().Replace(SentencePieceNormalizer.SpaceSymbol, ' '));
                    break;
            }
        }
        FlushBytes();
        return text.ToString();
    }
}
