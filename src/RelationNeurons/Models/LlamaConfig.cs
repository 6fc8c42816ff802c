using System.Text.Json;
using System.Text.Json.Nodes;

namespace RelationNeurons.Models;

/// <summary>Llama-3 style RoPE frequency rescaling (`rope_scaling` with `rope_type: llama3`).</summary>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings);

/// <summary>
/// The hyper-parameters of a Llama-family checkpoint that change the math, read from a
/// Hugging Face <c>config.json</c>. Field names follow .NET naming; <see cref="ToJson"/> writes the
/// Hugging Face names back so that files we write load in <c>transformers</c>.
/// </summary>
public sealed record LlamaConfig
{
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int VocabSize { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000.0;
    public RopeScaling? RopeScaling { get; init; }
    public bool TieWordEmbeddings { get; init; }
    public int BosTokenId { get; init; } = 1;
    /// <summary>All end-of-sequence ids (Llama-3 configs give a list).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [2];
    public string HiddenAct { get; init; } = "silu";
    /// <summary>Explicit head dimension (`head_dim`); defaults to hidden / heads.</summary>
    public int? HeadDimOverride { get; init; }
    public string TorchDtype { get; init; } = "float32";

    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;
    public int QueryWidth => NumAttentionHeads * HeadDim;
    public int KeyValueWidth => NumKeyValueHeads * HeadDim;

    /// <summary>Parses a config.json. Throws <see cref="UserInputException"/> naming the file and field.</summary>
    public static LlamaConfig Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: config.json not found");
        string text;
        try { text = IO.StrictText.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new UserInputException($"{path}: cannot read ({e.Message})"); }
        return Parse(text, path);
    }

    public static LlamaConfig Parse(string json, string source = "config.json")
    {
        JsonObject root;
        try
        {
            // A repeated key would otherwise surface later as an ArgumentException from JsonObject.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false }) as JsonObject
                   ?? throw new UserInputException($"{source}: top level is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{source}: malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"{source}: not valid text ({e.Message})");
        }

        int RequiredInt(string name)
        {
            var node = root[name] ?? throw new UserInputException($"{source}: missing field '{name}'");
            int value = ReadInt(node, name);
            if (value <= 0) throw new UserInputException($"{source}: field '{name}' must be positive, got {value}");
            return value;
        }
        int ReadInt(JsonNode node, string name)
        {
            try { return node.GetValue<int>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            { throw new UserInputException($"{source}: field '{name}' must be an integer"); }
        }
        double OptionalDouble(string name, double fallback)
        {
            var node = root[name];
            if (node is null) return fallback;
            return ReadPositive(node, name);
        }
        double ReadPositive(JsonNode node, string name)
        {
            double value;
            try { value = node.GetValue<double>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            { throw new UserInputException($"{source}: field '{name}' must be a number"); }
            if (!double.IsFinite(value) || value <= 0) throw new UserInputException($"{source}: field '{name}' must be a positive finite number, got {value}");
            return value;
        }
        // Wrong JSON types must name the field, not surface as InvalidOperationException from GetValue.
        T? Optional<T>(JsonNode? node, string name, string what)
        {
            if (node is null) return default;
            try { if (node is JsonValue v && v.TryGetValue(out T? value)) return value; }
            catch (InvalidOperationException) { }   // a string escape that is not text, such as a lone \ud800
            throw new UserInputException($"{source}: field '{name}' must be {what}");
        }

        int heads = RequiredInt("num_attention_heads");
        int hidden = RequiredInt("hidden_size");
        int kvHeads = root["num_key_value_heads"] is { } kv ? ReadInt(kv, "num_key_value_heads") : heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw new UserInputException($"{source}: num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads})");
        int? headDim = root["head_dim"] is { } hd ? ReadInt(hd, "head_dim") : null;
        if (headDim is null && hidden % heads != 0)
            throw new UserInputException($"{source}: hidden_size ({hidden}) is not divisible by num_attention_heads ({heads})");
        if ((headDim ?? hidden / heads) is var dim && (dim <= 0 || dim % 2 != 0))
            throw new UserInputException($"{source}: head dimension must be positive and even for RoPE, got {dim}");
        if ((long)heads * dim > int.MaxValue)
            throw new UserInputException($"{source}: num_attention_heads × head dimension ({heads} × {dim}) is too large");

        var eos = new List<int>();
        switch (root["eos_token_id"])
        {
            case null: eos.Add(2); break;
            case JsonArray arr: foreach (var e in arr) if (e is not null) eos.Add(ReadInt(e, "eos_token_id")); break;
            case var e: eos.Add(ReadInt(e, "eos_token_id")); break;
        }

        RopeScaling? scaling = null;
        if (root["rope_scaling"] is JsonObject rs)
        {
            string type = Optional<string>(rs["rope_type"] ?? rs["type"], "rope_scaling.rope_type", "a string") ?? "";
            if (type == "llama3")
            {
                int originalMax = rs["original_max_position_embeddings"] is { } om ? ReadInt(om, "rope_scaling.original_max_position_embeddings") : 8192;
                if (originalMax <= 0) throw new UserInputException($"{source}: rope_scaling.original_max_position_embeddings must be positive");
                scaling = new RopeScaling(type,
                    ReadPositive(rs["factor"] ?? throw new UserInputException($"{source}: rope_scaling.factor missing"), "rope_scaling.factor"),
                    rs["low_freq_factor"] is { } lf ? ReadPositive(lf, "rope_scaling.low_freq_factor") : 1.0,
                    rs["high_freq_factor"] is { } hf ? ReadPositive(hf, "rope_scaling.high_freq_factor") : 4.0,
                    originalMax);
            }
            else if (type is not ("" or "default"))
            {
                throw new UserInputException($"{source}: rope_scaling type '{type}' is not supported (only llama3)");
            }
        }

        string act = Optional<string>(root["hidden_act"], "hidden_act", "a string") ?? "silu";
        if (act is not ("silu" or "swish"))
            throw new UserInputException($"{source}: hidden_act '{act}' is not supported (only silu)");

        return new LlamaConfig
        {
            HiddenSize = hidden,
            IntermediateSize = RequiredInt("intermediate_size"),
            NumHiddenLayers = RequiredInt("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            VocabSize = RequiredInt("vocab_size"),
            MaxPositionEmbeddings = root["max_position_embeddings"] is not null ? RequiredInt("max_position_embeddings") : 2048,
            RmsNormEps = OptionalDouble("rms_norm_eps", 1e-6),
            RopeTheta = OptionalDouble("rope_theta", 10000.0),
            RopeScaling = scaling,
            TieWordEmbeddings = Optional<bool?>(root["tie_word_embeddings"], "tie_word_embeddings", "true or false") ?? false,
            BosTokenId = root["bos_token_id"] is { } b ? ReadInt(b, "bos_token_id") : 1,
            EosTokenIds = eos,
            HiddenAct = act,
            HeadDimOverride = headDim,
            TorchDtype = Optional<string>(root["torch_dtype"], "torch_dtype", "a string") ?? "float32",
        };
    }

    public string ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["vocab_size"] = VocabSize,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["hidden_act"] = HiddenAct,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenIds.Count == 1 ? JsonValue.Create(EosTokenIds[0]) : new JsonArray(EosTokenIds.Select(e => (JsonNode?)e).ToArray()),
            ["torch_dtype"] = TorchDtype,
        };
        if (HeadDimOverride is { } hd) o["head_dim"] = hd;
        if (RopeScaling is { } rs)
            o["rope_scaling"] = new JsonObject
            {
                ["rope_type"] = rs.Type,
                ["factor"] = rs.Factor,
                ["low_freq_factor"] = rs.LowFreqFactor,
                ["high_freq_factor"] = rs.HighFreqFactor,
                ["original_max_position_embeddings"] = rs.OriginalMaxPositionEmbeddings,
            };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
