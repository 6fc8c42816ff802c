using System.Text.Json;
using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Models.Gguf;

/// <summary>
/// Writes a Hugging Face folder's tokenizer as llama.cpp's <c>tokenizer.ggml.*</c> metadata:
/// <c>tokenizer.model</c> or a SentencePiece-style tokenizer.json (byte fallback, "▁" spaces) as
/// model <c>llama</c> (tokens, scores, token_type); a byte-level tokenizer.json as model
/// <c>gpt2</c> (tokens, merges, token_type, pre). Returns false when the folder has no tokenizer.
/// </summary>
public static class GgufTokenizerExport
{
    private const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, ByteType = 6;

    public static bool TryAdd(GgufWriter w, string folder, LlamaConfig config)
    {
        string json = Path.Combine(folder, TokenizerLoader.TokenizerJson);
        string spm = Path.Combine(folder, TokenizerLoader.SentencePieceModelFile);
        // The loaded tokenizer supplies what the files decide (BOS/EOS, add_bos) exactly as the engine reads them.
        ITokenizer? loaded = File.Exists(json) || File.Exists(spm) ? TokenizerLoader.Load(folder, config.BosTokenId >= 0 ? config.BosTokenId : null, config.EosTokenIds) : null;
        if (loaded is null) return false;
        if (File.Exists(json)) FromTokenizerJson(w, json, loaded);
        else FromSentencePiece(w, SentencePieceModelReader.Load(spm), loaded);
        if (loaded.BosId >= 0) w.AddUInt32("tokenizer.ggml.bos_token_id", (uint)loaded.BosId);
        if (loaded.EosIds.Count > 0) w.AddUInt32("tokenizer.ggml.eos_token_id", (uint)loaded.EosIds[0]);
        w.AddBool("tokenizer.ggml.add_bos_token", loaded.AddBosByDefault);
        w.AddBool("tokenizer.ggml.add_eos_token", false);
        return true;
    }

    private static void FromSentencePiece(GgufWriter w, SentencePieceModel m, ITokenizer loaded)
    {
        if (m.ModelType != SentencePieceModelType.Bpe)
            throw new UserInputException($"tokenizer.model: SentencePiece model type {m.ModelType} cannot be written as a llama.cpp 'llama' vocabulary (BPE only)");
        w.AddString(GgufTokenizer.ModelKey, "llama");
        w.AddArray("tokenizer.ggml.tokens", m.Pieces.Select(p => p.Piece).ToArray());
        w.AddArray("tokenizer.ggml.scores", m.Pieces.Select(p => p.Score).ToArray());
        w.AddArray("tokenizer.ggml.token_type", m.Pieces.Select(p => (int)p.Type).ToArray());
        w.AddUInt32("tokenizer.ggml.unknown_token_id", (uint)m.UnkId);
        if (m.PadId >= 0) w.AddUInt32("tokenizer.ggml.padding_token_id", (uint)m.PadId);
        w.AddBool("tokenizer.ggml.add_space_prefix", m.AddDummyPrefix);
    }

    private static void FromTokenizerJson(GgufWriter w, string path, ITokenizer loaded)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 128 });
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        var tokens = new string[loaded.VocabSize];
        var types = new int[loaded.VocabSize];
        Array.Fill(tokens, "");
        Array.Fill(types, Normal);
        foreach (var p in model.GetProperty("vocab").EnumerateObject()) tokens[p.Value.GetInt32()] = p.Name;
        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var mergeNode))
            foreach (var m in mergeNode.EnumerateArray())
                merges.Add(m.ValueKind == JsonValueKind.String ? m.GetString()! : m[0].GetString() + " " + m[1].GetString());
        bool byteFallback = model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True;
        string? unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        if (root.TryGetProperty("added_tokens", out var added))
            foreach (var t in added.EnumerateArray())
            {
                int id = t.GetProperty("id").GetInt32();
                tokens[id] = t.GetProperty("content").GetString()!;
                bool special = t.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                types[id] = tokens[id] == unk ? Unknown : special ? Control : UserDefined;
            }

        bool byteLevel = loaded is Tokenization.HuggingFace.HfTokenizer { IsByteLevel: true };
        if (byteLevel)
        {
            w.AddString(GgufTokenizer.ModelKey, "gpt2");
            string pre = root.TryGetProperty("pre_tokenizer", out var preNode) && preNode.GetRawText().Contains("\\\\p{N}{1,3}", StringComparison.Ordinal)
                ? "llama-bpe" : "default";
            w.AddString("tokenizer.ggml.pre", pre);
            w.AddArray("tokenizer.ggml.tokens", tokens);
            w.AddArray("tokenizer.ggml.token_type", types);
            w.AddArray("tokenizer.ggml.merges", merges.ToArray());
            return;
        }
        if (!byteFallback)
            throw new UserInputException($"{path}: a BPE tokenizer.json without byte_fallback and without a byte-level pre-tokenizer has no llama.cpp equivalent");

        // SentencePiece merges by piece score, tokenizer.json by merge rank: score = -(first rank producing the piece).
        var scores = new float[tokens.Length];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++) ids.TryAdd(tokens[i], i);
        var scored = new bool[tokens.Length];
        for (int r = 0; r < merges.Count; r++)
        {
            int space = merges[r].IndexOf(' ', 1);
            string merged = merges[r][..space] + merges[r][(space + 1)..];
            if (ids.TryGetValue(merged, out int id) && !scored[id]) { scores[id] = -r; scored[id] = true; }
        }
        for (int i = 0; i < tokens.Length; i++)
        {
            if (types[i] == Normal && BytePieces.TryParse(tokens[i]) is not null) types[i] = ByteType;
            if (!scored[i] && types[i] == Normal) scores[i] = -merges.Count - 1; // never a merge result: after every merge
        }
        int unkId = unk is not null && ids.TryGetValue(unk, out int ui) ? ui : 0;
        if (unk is not null && types[unkId] == Normal) types[unkId] = Unknown;
        w.AddString(GgufTokenizer.ModelKey, "llama");
        w.AddArray("tokenizer.ggml.tokens", tokens);
        w.AddArray("tokenizer.ggml.scores", scores);
        w.AddArray("tokenizer.ggml.token_type", types);
        w.AddUInt32("tokenizer.ggml.unknown_token_id", (uint)unkId);
        w.AddBool("tokenizer.ggml.add_space_prefix", true);
    }
}
