using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.HuggingFace;
using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Models.Gguf;

/// <summary>
/// The tokenizer stored in a GGUF file's <c>tokenizer.ggml.*</c> metadata, built on the project's
/// own encoders: <c>llama</c> (tokens/scores/token_type, SentencePiece BPE with byte fallback)
/// becomes a <see cref="SentencePieceTokenizer"/>; <c>gpt2</c> (tokens/merges, byte-level BPE)
/// becomes an <see cref="HfTokenizer"/> through the tokenizer.json reader, with the
/// pre-tokenizer named by <c>tokenizer.ggml.pre</c>.
/// </summary>
public static class GgufTokenizer
{
    public const string ModelKey = "tokenizer.ggml.model";

    /// <summary>Llama-3's pre-tokenizer regex (llama.cpp's LLAMA3 pre-type).</summary>
    public const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly string[] Llama3PreNames = ["llama-bpe", "llama3", "llama-v3", "smaug-bpe"];

    public static bool Has(GgufFile file) => file.Has(ModelKey) && file.Has("tokenizer.ggml.tokens");

    public static ITokenizer Load(GgufFile file)
    {
        string model = file.GetString(ModelKey) ?? throw new UserInputException($"{file.Path}: no tokenizer in the file (metadata '{ModelKey}' is missing)");
        var tokens = file.GetArray<string>("tokenizer.ggml.tokens") ?? throw new UserInputException($"{file.Path}: metadata 'tokenizer.ggml.tokens' is missing");
        if (tokens.Length == 0) throw new UserInputException($"{file.Path}: tokenizer.ggml.tokens is empty");
        var types = file.GetIntArray("tokenizer.ggml.token_type");
        if (types is not null && types.Length != tokens.Length)
            throw new UserInputException($"{file.Path}: tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens");
        int? Id(string key)
        {
            long? v = file.GetInteger(key);
            if (v is null) return null;
            if (v < 0 || v >= tokens.Length) throw new UserInputException($"{file.Path}: metadata '{key}' = {v} is outside the vocabulary of {tokens.Length}");
            return (int)v;
        }
        int? bos = Id("tokenizer.ggml.bos_token_id"), eos = Id("tokenizer.ggml.eos_token_id");
        bool? addBos = file.GetBool("tokenizer.ggml.add_bos_token");
        return model switch
        {
            "llama" => SentencePiece(file, tokens, types, bos, eos, addBos),
            "gpt2" => ByteLevel(file, tokens, types, bos, eos, addBos),
            _ => throw new UserInputException($"{file.Path}: tokenizer model '{model}' is not supported (only llama and gpt2)"),
        };
    }

    private static SentencePieceTokenizer SentencePiece(GgufFile file, string[] tokens, int[]? types, int? bos, int? eos, bool? addBos)
    {
        var scores = file.GetArray<float>("tokenizer.ggml.scores");
        if (scores is not null && scores.Length != tokens.Length)
            throw new UserInputException($"{file.Path}: tokenizer.ggml.scores has {scores.Length} entries for {tokens.Length} tokens");
        var pieces = new SentencePieceEntry[tokens.Length];
        int unk = -1;
        for (int i = 0; i < tokens.Length; i++)
        {
            int t = types?[i] ?? 1;
            // token_type uses SentencePiece's numbering (1 normal .. 6 byte); anything else reads as normal.
            var type = t is >= 1 and <= 6 ? (PieceType)t : PieceType.Normal;
            if (type == PieceType.Unknown && unk < 0) unk = i;
            pieces[i] = new SentencePieceEntry(tokens[i], scores?[i] ?? 0f, type);
        }
        int? unkId = file.GetInteger("tokenizer.ggml.unknown_token_id") is { } u && u >= 0 && u < tokens.Length ? (int)u : null;
        var spm = new SentencePieceModel
        {
            Pieces = pieces,
            ModelType = SentencePieceModelType.Bpe,
            ByteFallback = pieces.Any(p => p.Type == PieceType.Byte),
            UnkId = unkId ?? Math.Max(unk, 0),
            BosId = bos ?? -1,
            EosId = eos ?? -1,
            PadId = file.GetInteger("tokenizer.ggml.padding_token_id") is { } p && p < tokens.Length ? (int)p : -1,
            NormalizerName = "identity",
            AddDummyPrefix = file.GetBool("tokenizer.ggml.add_space_prefix") ?? true,
            RemoveExtraWhitespaces = false,
        };
        return new SentencePieceTokenizer(spm, file.Path, bos, eos is { } e ? [e] : null, addBos ?? true);
    }

    private static HfTokenizer ByteLevel(GgufFile file, string[] tokens, int[]? types, int? bos, int? eos, bool? addBos)
    {
        var merges = file.GetArray<string>("tokenizer.ggml.merges") ?? [];
        string pre = file.GetString("tokenizer.ggml.pre") ?? "default";
        bool llama3 = Llama3PreNames.Contains(pre);
        if (!llama3 && pre is not ("default" or "gpt-2" or "gpt2"))
            throw new UserInputException($"{file.Path}: pre-tokenizer '{pre}' is not supported (llama-bpe and default/gpt-2 are)");

        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, options))
        {
            w.WriteStartObject();
            w.WriteStartArray("added_tokens");
            for (int i = 0; i < tokens.Length; i++)
            {
                int t = types?[i] ?? 1;
                if (t is not (3 or 4)) continue; // control and user-defined tokens are matched whole, as llama.cpp does
                w.WriteStartObject();
                w.WriteNumber("id", i);
                w.WriteString("content", tokens[i]);
                w.WriteBoolean("special", t == 3);
                w.WriteBoolean("normalized", false);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNull("normalizer");
            w.WritePropertyName("pre_tokenizer");
            if (llama3)
            {
                w.WriteStartObject();
                w.WriteString("type", "Sequence");
                w.WriteStartArray("pretokenizers");
                w.WriteStartObject();
                w.WriteString("type", "Split");
                w.WriteStartObject("pattern");
                w.WriteString("Regex", Llama3Pattern);
                w.WriteEndObject();
                w.WriteString("behavior", "Isolated");
                w.WriteBoolean("invert", false);
                w.WriteEndObject();
                ByteLevelStep(w, useRegex: false);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else ByteLevelStep(w, useRegex: true);
            w.WriteNull("post_processor");
            w.WriteStartObject("decoder");
            w.WriteString("type", "ByteLevel");
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", llama3);
            w.WriteStartObject("vocab");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < tokens.Length; i++)
                if (seen.Add(tokens[i])) w.WriteNumber(tokens[i], i);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var m in merges) w.WriteStringValue(m);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        string config = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["add_bos_token"] = addBos ?? llama3,
            ["bos_token"] = bos is { } b ? tokens[b] : null,
            ["eos_token"] = eos is { } e ? tokens[e] : null,
        });
        return HfTokenizerJsonReader.Parse(Encoding.UTF8.GetString(json.ToArray()), config, file.Path, bos, eos is { } e2 ? [e2] : null);
    }

    private static void ByteLevelStep(Utf8JsonWriter w, bool useRegex)
    {
        w.WriteStartObject();
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", useRegex);
        w.WriteEndObject();
    }
}
