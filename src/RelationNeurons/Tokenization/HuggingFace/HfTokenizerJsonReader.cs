using System.Text.Json;

namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>
/// Reads a Hugging Face tokenizer.json (BPE model) and, when present, the tokenizer_config.json
/// next to it, into an <see cref="HfTokenizer"/>. BOS comes from tokenizer_config.json
/// (add_bos_token, bos_token), else from a TemplateProcessing post-processor, else from the
/// fallback given; SentencePiece-style vocabularies (Llama-2) default to adding BOS.
/// </summary>
public static class HfTokenizerJsonReader
{
    /// <summary>Largest token id accepted (real vocabularies stay far below; bounds the id → piece table).</summary>
    private const int MaxTokenId = (1 << 22) - 1;

    public static HfTokenizer Load(string tokenizerJsonPath, int? bosId = null, IReadOnlyList<int>? eosIds = null)
    {
        string json = ReadText(tokenizerJsonPath);
        var config = TokenizerConfigFile.TryLoad(Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath))!);
        return Parse(json, config, tokenizerJsonPath, bosId, eosIds);
    }

    private static string ReadText(string path)
    {
        try { return IO.StrictText.ReadAllText(path); }
        catch (FileNotFoundException) { throw new UserInputException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new UserInputException($"{path}: file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserInputException($"{path}: cannot read ({e.Message})"); }
    }

    private static JsonDocument ParseJson(string text, string source)
    {
        try { return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 128 }); }
        catch (JsonException e) { throw new UserInputException($"{source}: malformed JSON at line {e.LineNumber + 1}: {e.Message}"); }
        catch (ArgumentException e) { throw new UserInputException($"{source}: not valid text ({e.Message})"); }
    }

    public static HfTokenizer Parse(string tokenizerJson, string? tokenizerConfigJson = null, string source = "tokenizer.json",
        int? bosId = null, IReadOnlyList<int>? eosIds = null) =>
        Parse(tokenizerJson, tokenizerConfigJson is null ? null : TokenizerConfigFile.Parse(tokenizerConfigJson, TokenizerConfigFile.FileName), source, bosId, eosIds);

    internal static HfTokenizer Parse(string tokenizerJson, TokenizerConfigFile? config, string source, int? bosId, IReadOnlyList<int>? eosIds)
    {
        // JsonDocument decodes string escapes only when a string is read: a lone surrogate (\ud800)
        // in a name or value surfaces there as InvalidOperationException.
        try { return ParseDocument(tokenizerJson, config, source, bosId, eosIds); }
        catch (InvalidOperationException e) { throw new UserInputException($"{source}: holds a string that is not valid text ({e.Message})"); }
    }

    private static HfTokenizer ParseDocument(string tokenizerJson, TokenizerConfigFile? config, string source, int? bosId, IReadOnlyList<int>? eosIds)
    {
        using var doc = ParseJson(tokenizerJson, source);
        var j = new JsonFields(source);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw j.Error("top level is not a JSON object");

        var modelNode = j.Required(root, "model", "tokenizer.json");
        string modelType = j.OptionalString(modelNode, "type", "model") ?? (j.Optional(modelNode, "merges") is not null ? "BPE" : "unknown");
        if (modelType != "BPE") throw j.Error($"model type '{modelType}' is not supported (only BPE)");

        var vocab = ReadVocab(j, j.Required(modelNode, "vocab", "model"));
        string? prefix = j.OptionalString(modelNode, "continuing_subword_prefix", "model");
        string? suffix = j.OptionalString(modelNode, "end_of_word_suffix", "model");
        var merges = ReadMerges(j, modelNode, vocab, prefix);
        var model = new HfBpeModel(vocab, merges,
            byteFallback: j.OptionalBool(modelNode, "byte_fallback", "model", false),
            unkToken: j.OptionalString(modelNode, "unk_token", "model"),
            fuseUnk: j.OptionalBool(modelNode, "fuse_unk", "model", false),
            ignoreMerges: j.OptionalBool(modelNode, "ignore_merges", "model", false),
            prefix, suffix, source);

        var added = ReadAddedTokens(j, root);
        var normalizer = HfNormalizer.Parse(j.Optional(root, "normalizer"), j);
        var preTokenizer = HfPreTokenizer.Parse(j.Optional(root, "pre_tokenizer"), j);

        int maxId = -1;
        foreach (int id in vocab.Values) maxId = Math.Max(maxId, id);
        foreach (var t in added) maxId = Math.Max(maxId, t.Id);
        var pieces = new string[maxId + 1];
        Array.Fill(pieces, "");
        foreach (var (piece, id) in vocab) pieces[id] = piece;
        foreach (var t in added) pieces[t.Id] = t.Content;

        bool prepends = (normalizer?.PrependsSpaceSymbol ?? false) || (preTokenizer?.PrependsSpaceSymbol ?? false);
        bool stripLeading = DecoderStripsLeadingSpace(j, j.Optional(root, "decoder")) ?? prepends;

        // Token strings to ids: added tokens first (they may shadow the vocabulary), then the vocabulary.
        var tokenIds = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        foreach (var t in added) tokenIds[t.Content] = t.Id;
        int? Lookup(string? token) => token is not null && tokenIds.TryGetValue(token, out int id) ? id : null;

        var template = TemplateBos(j, j.Optional(root, "post_processor"));
        bool? configAddBos = config?.AddBosToken;
        string? configBos = config?.BosToken, configEos = config?.EosToken;

        int bos = Lookup(configBos) ?? template.BosId ?? bosId ?? Lookup("<s>") ?? Lookup("<|begin_of_text|>") ?? -1;
        if (bos >= pieces.Length) throw j.Error($"BOS id {bos} is outside the vocabulary of {pieces.Length} tokens");
        var eos = new List<int>();
        if (Lookup(configEos) is int e) eos.Add(e);
        foreach (int id in eosIds ?? []) if (!eos.Contains(id)) eos.Add(id);
        if (eos.Count == 0 && (Lookup("</s>") ?? Lookup("<|end_of_text|>")) is int guess) eos.Add(guess);

        bool sentencePieceStyle = !(preTokenizer?.IsByteLevel ?? false) && model.ByteFallback;
        bool addBos = configAddBos ?? template.AddsBos ?? sentencePieceStyle;
        return new HfTokenizer(normalizer, preTokenizer, model, added, pieces, stripLeading, bos, eos, addBos)
        {
            CleanUpTokenizationSpaces = config?.CleanUpTokenizationSpaces ?? false,
        };
    }

    private static Dictionary<string, int> ReadVocab(JsonFields j, JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object) throw j.Error("model.vocab must be an object of token -> id");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in node.EnumerateObject())
        {
            int id = j.Int(p.Value, $"model.vocab['{p.Name}']");
            if (id < 0 || id > MaxTokenId) throw j.Error($"model.vocab['{p.Name}'] has id {id} outside 0..{MaxTokenId}");
            vocab[p.Name] = id;
        }
        if (vocab.Count == 0) throw j.Error("model.vocab is empty");
        return vocab;
    }

    private static Dictionary<(int, int), (int, int)> ReadMerges(JsonFields j, JsonElement modelNode, Dictionary<string, int> vocab, string? prefix)
    {
        var merges = new Dictionary<(int, int), (int, int)>();
        if (j.Optional(modelNode, "merges") is not { } node) return merges;
        int rank = 0;
        foreach (var m in j.Array(node, "model.merges"))
        {
            string where = $"model.merges[{rank}]";
            string a, b;
            if (m.ValueKind == JsonValueKind.String)
            {
                string s = m.GetString()!;
                int space = s.IndexOf(' ', 1 < s.Length ? 1 : 0);
                if (space <= 0 || space == s.Length - 1) throw j.Error($"{where} '{s}' is not two tokens separated by a space");
                a = s[..space];
                b = s[(space + 1)..];
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
            {
                a = j.String(m[0], where);
                b = j.String(m[1], where);
            }
            else throw j.Error($"{where} must be \"a b\" or [\"a\", \"b\"]");

            if (!vocab.TryGetValue(a, out int aId)) throw j.Error($"{where}: token '{a}' is not in the vocabulary");
            if (!vocab.TryGetValue(b, out int bId)) throw j.Error($"{where}: token '{b}' is not in the vocabulary");
            string merged = a + (prefix is not null && b.StartsWith(prefix, StringComparison.Ordinal) ? b[prefix.Length..] : b);
            if (!vocab.TryGetValue(merged, out int newId)) throw j.Error($"{where}: merged token '{merged}' is not in the vocabulary");
            // A repeated pair takes its last rank, as the reference library's map construction does.
            merges[(aId, bId)] = (rank, newId);
            rank++;
        }
        return merges;
    }

    private static List<AddedToken> ReadAddedTokens(JsonFields j, JsonElement root)
    {
        var list = new List<AddedToken>();
        if (j.Optional(root, "added_tokens") is not { } node) return list;
        int i = 0;
        foreach (var t in j.Array(node, "added_tokens"))
        {
            string where = $"added_tokens[{i++}]";
            int id = j.Int(j.Required(t, "id", where), $"{where}.id");
            if (id < 0 || id > MaxTokenId) throw j.Error($"{where}.id {id} outside 0..{MaxTokenId}");
            string content = j.String(j.Required(t, "content", where), $"{where}.content");
            bool special = j.OptionalBool(t, "special", where, false);
            list.Add(new AddedToken(id, content, special,
                Normalized: j.OptionalBool(t, "normalized", where, !special),
                LStrip: j.OptionalBool(t, "lstrip", where, false),
                RStrip: j.OptionalBool(t, "rstrip", where, false),
                SingleWord: j.OptionalBool(t, "single_word", where, false)));
        }
        return list;
    }

    /// <summary>What a TemplateProcessing post-processor (possibly inside a Sequence) does to a single sequence.</summary>
    private static (bool? AddsBos, int? BosId) TemplateBos(JsonFields j, JsonElement? node)
    {
        if (node is not { } p) return (null, null);
        string type = j.Type(p, "post_processor");
        if (type == "Sequence")
        {
            foreach (var inner in j.Array(j.Required(p, "processors", "post_processor"), "post_processor.processors"))
            {
                var r = TemplateBos(j, inner);
                if (r.AddsBos is not null) return r;
            }
            return (null, null);
        }
        if (type != "TemplateProcessing") return (null, null);
        var single = j.Required(p, "single", "post_processor");
        string? first = null;
        if (single.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in single.EnumerateArray())
            {
                if (j.Optional(item, "SpecialToken") is { } st) first = j.String(j.Required(st, "id", "post_processor.single"), "post_processor.single.SpecialToken.id");
                break;
            }
        }
        else if (single.ValueKind == JsonValueKind.String)
        {
            string head = single.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            if (head.Length > 0 && head[0] != '$') first = head.Split(':')[0];
        }
        if (first is null) return (false, null);
        int? id = null;
        if (j.Optional(p, "special_tokens") is { } specials && j.Optional(specials, first) is { } entry
            && j.Optional(entry, "ids") is { } ids && ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() > 0)
            id = j.Int(ids[0], $"post_processor.special_tokens['{first}'].ids[0]");
        return (true, id);
    }

    /// <summary>Whether the decoder drops one leading space (Strip start, or Metaspace that prepends); null when there is no decoder.</summary>
    private static bool? DecoderStripsLeadingSpace(JsonFields j, JsonElement? node)
    {
        if (node is not { } d) return null;
        string type = j.Type(d, "decoder");
        switch (type)
        {
            case "Sequence":
                bool any = false;
                foreach (var inner in j.Array(j.Required(d, "decoders", "decoder"), "decoder.decoders"))
                    any |= DecoderStripsLeadingSpace(j, inner) ?? false;
                return any;
            case "Strip":
                return j.OptionalInt(d, "start", "decoder", 0) > 0 && (j.OptionalString(d, "content", "decoder") ?? " ") == " ";
            case "Metaspace":
                string scheme = j.OptionalString(d, "prepend_scheme", "decoder") ?? (j.OptionalBool(d, "add_prefix_space", "decoder", true) ? "always" : "never");
                return scheme != "never";
            default:
                return false;
        }
    }
}
