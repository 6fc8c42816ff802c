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

    // ---- Family traits: resolved once by Parse from the architecture and its keys; Llama's by default. ----

    /// <summary>The architecture (Llama unless config.json names another supported one).</summary>
    public ModelFamily Family { get; init; } = ModelFamily.Llama;
    /// <summary>RMSNorm multiplies by (1 + weight) (Gemma); folded into the float32 norm weights at load.</summary>
    public bool NormWeightPlusOne { get; init; }
    /// <summary>Embeddings are multiplied by √hidden_size, rounded to float32 (Gemma).</summary>
    public bool ScaleEmbeddings { get; init; }
    /// <summary>q_proj, k_proj and v_proj carry a bias (Qwen2; attention_bias elsewhere).</summary>
    public bool QkvBias { get; init; }
    /// <summary>o_proj carries a bias (attention_bias of Llama, Gemma, Qwen3).</summary>
    public bool OutputBias { get; init; }
    /// <summary>An RMSNorm over head_dim on each query and key head before RoPE (Qwen3 q_norm, k_norm).</summary>
    public bool QkNorm { get; init; }
    /// <summary>Gemma 2's extra norms: on the attention output, before the MLP (pre_feedforward) and on the MLP output.</summary>
    public bool SandwichNorms { get; init; }
    /// <summary>Attention scores scale by this^-0.5 instead of head_dim^-0.5 (Gemma 2 query_pre_attn_scalar).</summary>
    public double? QueryPreAttnScalar { get; init; }
    /// <summary>Attention scores become cap·tanh(score/cap) before the mask (Gemma 2).</summary>
    public double? AttnLogitSoftcapping { get; init; }
    /// <summary>Logits become cap·tanh(logit/cap) (Gemma 2).</summary>
    public double? FinalLogitSoftcapping { get; init; }
    /// <summary>Keys further back than this many positions (the query's own included) are not attended to, on the sliding layers.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>Per layer, whether it uses <see cref="SlidingWindow"/> (HF layer_types "sliding_attention"); null: none does.</summary>
    public IReadOnlyList<bool>? SlidingLayers { get; init; }
    /// <summary>Qwen2/Qwen3's use_sliding_window and max_window_layers, kept to write config.json back.</summary>
    public bool UseSlidingWindow { get; init; }
    public int? MaxWindowLayers { get; init; }

    public string Architecture => FamilyInfo.Of(Family).Architecture;
    public MlpActivation Activation => HiddenAct is "gelu_pytorch_tanh" ? MlpActivation.GeluTanh : MlpActivation.Silu;

    /// <summary>The attention window of layer <paramref name="layer"/> in positions, 0 for full causal attention.</summary>
    public int AttentionWindow(int layer) =>
        SlidingWindow is int w && SlidingLayers is { } s && layer < s.Count && s[layer] ? w : 0;

    /// <summary>The float32 factor on q·k: query_pre_attn_scalar^-0.5 when set, else head_dim^-0.5.</summary>
    public float AttentionScale => QueryPreAttnScalar is double s ? (float)Math.Pow(s, -0.5) : (float)(1.0 / Math.Sqrt(HeadDim));

    /// <summary>The family's features in use, for `info` ("q/k/v bias", "sliding window 4096 on 14 of 28 layers", ...).</summary>
    public IReadOnlyList<string> Features
    {
        get
        {
            var f = new List<string> { Activation == MlpActivation.GeluTanh ? "GeLU-tanh gate (GeGLU)" : "SiLU gate (SwiGLU)" };
            if (NormWeightPlusOne) f.Add("RMSNorm × (1 + weight)");
            if (ScaleEmbeddings) f.Add("embeddings × √hidden");
            if (QkvBias) f.Add("q/k/v bias");
            if (OutputBias) f.Add("o_proj bias");
            if (QkNorm) f.Add("q/k RMSNorm per head");
            if (SandwichNorms) f.Add("post-attention, pre- and post-feed-forward norms");
            if (QueryPreAttnScalar is double q) f.Add($"attention scale query_pre_attn_scalar^-0.5 ({q.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
            if (AttnLogitSoftcapping is double a) f.Add($"attention soft-cap {a.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            if (FinalLogitSoftcapping is double l) f.Add($"final logit soft-cap {l.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            int sliding = Enumerable.Range(0, NumHiddenLayers).Count(l => AttentionWindow(l) > 0);
            if (sliding > 0) f.Add($"sliding window {SlidingWindow} on {sliding} of {NumHiddenLayers} layers");
            if (TieWordEmbeddings) f.Add("tied LM head");
            if (RopeScaling is { } rs) f.Add($"RoPE scaling {rs.Type}");
            return f;
        }
    }

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

        var family = ReadFamily(root, source);
        bool Has(string name) => root.ContainsKey(name);
        // A key present with null: HF keeps None, which for most keys means "off" (a cap, a window).
        bool IsNull(string name) => root.TryGetPropertyValue(name, out var n) && n is null;
        bool OptionalBool(string name, bool fallback) => Optional<bool?>(root[name], name, "true or false") ?? fallback;
        double? OptionalCap(string name, double? fallback)
        {
            if (!Has(name)) return fallback;
            return root[name] is { } node ? ReadPositive(node, name) : null;
        }

        int heads = RequiredInt("num_attention_heads");
        int hidden = RequiredInt("hidden_size");
        int layers = RequiredInt("num_hidden_layers");
        // num_key_value_heads: absent takes the family's class default; null means as many as the query heads.
        int kvHeads = root["num_key_value_heads"] is { } kv ? ReadInt(kv, "num_key_value_heads")
            : Has("num_key_value_heads") ? heads : family.KeyValueHeads ?? heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw new UserInputException($"{source}: num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads})");
        if (family.HeadDim is not null && IsNull("head_dim"))
            throw new UserInputException($"{source}: field 'head_dim' is null; {family.Architecture} needs the head dimension");
        int? headDim = root["head_dim"] is { } hd ? ReadInt(hd, "head_dim") : Has("head_dim") ? null : family.HeadDim;
        if (headDim is null && hidden % heads != 0)
            throw new UserInputException($"{source}: hidden_size ({hidden}) is not divisible by num_attention_heads ({heads})");
        if ((headDim ?? hidden / heads) is var dim && (dim <= 0 || dim % 2 != 0))
            throw new UserInputException($"{source}: head dimension (head_dim) must be positive and even for RoPE, got {dim}");
        if ((long)heads * dim > int.MaxValue)
            throw new UserInputException($"{source}: num_attention_heads × head dimension ({heads} × {dim}) is too large");

        var eos = new List<int>();
        switch (root["eos_token_id"])
        {
            case null: if (!Has("eos_token_id") && family.EosTokenId is int e0) eos.Add(e0); break;
            case JsonArray arr: foreach (var e in arr) if (e is not null) eos.Add(ReadInt(e, "eos_token_id")); break;
            case var e: eos.Add(ReadInt(e, "eos_token_id")); break;
        }

        // rope_theta at the top level (transformers 4) or inside rope_parameters (transformers 5).
        var ropeParameters = root["rope_parameters"] as JsonObject;
        double ropeTheta = root["rope_theta"] is { } rt ? ReadPositive(rt, "rope_theta")
            : ropeParameters?["rope_theta"] is { } prt ? ReadPositive(prt, "rope_parameters.rope_theta") : 10000.0;
        RopeScaling? scaling = null;
        if ((root["rope_scaling"] as JsonObject ?? ropeParameters) is JsonObject rs)
        {
            string key = root["rope_scaling"] is JsonObject ? "rope_scaling" : "rope_parameters";
            string type = Optional<string>(rs["rope_type"] ?? rs["type"], key + ".rope_type", "a string") ?? "";
            if (type == "llama3")
            {
                int originalMax = rs["original_max_position_embeddings"] is { } om ? ReadInt(om, key + ".original_max_position_embeddings") : 8192;
                if (originalMax <= 0) throw new UserInputException($"{source}: {key}.original_max_position_embeddings must be positive");
                scaling = new RopeScaling(type,
                    ReadPositive(rs["factor"] ?? throw new UserInputException($"{source}: {key}.factor missing"), key + ".factor"),
                    rs["low_freq_factor"] is { } lf ? ReadPositive(lf, key + ".low_freq_factor") : 1.0,
                    rs["high_freq_factor"] is { } hf ? ReadPositive(hf, key + ".high_freq_factor") : 4.0,
                    originalMax);
            }
            else if (type is not ("" or "default"))
            {
                throw new UserInputException($"{source}: {key} type '{type}' is not supported (only llama3)");
            }
        }

        // Gemma reads hidden_activation (absent or null: gelu_pytorch_tanh) and ignores hidden_act.
        string actKey = family.ActivationKey;
        string act = Optional<string>(root[actKey], actKey, "a string") ?? family.Activation;
        if (act is not ("silu" or "swish" or "gelu_pytorch_tanh"))
            throw new UserInputException($"{source}: {actKey} '{act}' is not supported (silu, gelu_pytorch_tanh)");

        bool attentionBias = family.ReadsAttentionBias && OptionalBool("attention_bias", false);
        if (OptionalBool("mlp_bias", false))
            throw new UserInputException($"{source}: mlp_bias true is not supported");

        // Sliding windows, as each configuration class derives them.
        int? window = null;
        bool useSliding = false;
        int? maxWindowLayers = null;
        bool[]? slidingLayers = null;
        int? ReadWindow(int? fallback)
        {
            if (!Has("sliding_window")) return fallback;
            return root["sliding_window"] is { } sw ? ReadPositiveInt(sw, "sliding_window") : null;
        }
        int ReadPositiveInt(JsonNode node, string name)
        {
            int value = ReadInt(node, name);
            if (value <= 0) throw new UserInputException($"{source}: field '{name}' must be positive, got {value}");
            return value;
        }
        bool[]? ReadLayerTypes()
        {
            if (root["layer_types"] is not { } node) return null;
            if (node is not JsonArray types || types.Count != layers)
                throw new UserInputException($"{source}: field 'layer_types' must be a list of {layers} entries (one per layer)");
            var result = new bool[layers];
            for (int l = 0; l < layers; l++)
            {
                string? t = Optional<string>(types[l], $"layer_types[{l}]", "a string");
                result[l] = t switch
                {
                    "sliding_attention" => true,
                    "full_attention" => false,
                    _ => throw new UserInputException($"{source}: layer_types[{l}] must be \"sliding_attention\" or \"full_attention\""),
                };
            }
            return result;
        }
        switch (family.Windows)
        {
            case WindowRule.EveryLayer:
                // Every layer; sliding_window absent: 4096; null: none.
                window = ReadWindow(4096);
                if (window is not null) slidingLayers = Enumerable.Repeat(true, layers).ToArray();
                break;
            case WindowRule.FromMaxWindowLayers:
                useSliding = OptionalBool("use_sliding_window", false);
                maxWindowLayers = root["max_window_layers"] is { } mw ? ReadInt(mw, "max_window_layers") : 28;
                if (maxWindowLayers < 0) throw new UserInputException($"{source}: field 'max_window_layers' must not be negative");
                int? configured = ReadWindow(4096);
                window = useSliding ? configured : null;
                slidingLayers = ReadLayerTypes() ?? (window is null ? null : Enumerable.Range(0, layers).Select(l => l >= maxWindowLayers).ToArray());
                if (window is null) slidingLayers = null;
                break;
            case WindowRule.AlternateLayers:
                window = ReadWindow(4096);
                // Layers 0, 2, 4, ... slide unless layer_types says otherwise.
                slidingLayers = window is null ? null : ReadLayerTypes() ?? Enumerable.Range(0, layers).Select(l => l % 2 == 0).ToArray();
                break;
        }
        if (slidingLayers is not null && !slidingLayers.Contains(true)) slidingLayers = null;

        double? queryPreAttnScalar = null, attnCap = null, finalCap = null;
        if (family.Gemma2Traits)
        {
            if (IsNull("query_pre_attn_scalar"))
                throw new UserInputException($"{source}: field 'query_pre_attn_scalar' is null; Gemma2ForCausalLM scales attention by it");
            queryPreAttnScalar = root["query_pre_attn_scalar"] is { } qp ? ReadPositive(qp, "query_pre_attn_scalar") : 256;
            attnCap = OptionalCap("attn_logit_softcapping", 50.0);
            finalCap = OptionalCap("final_logit_softcapping", 30.0);
        }

        int? bos = root["bos_token_id"] is { } b ? ReadInt(b, "bos_token_id") : Has("bos_token_id") ? null : family.BosTokenId;
        return new LlamaConfig
        {
            HiddenSize = hidden,
            IntermediateSize = RequiredInt("intermediate_size"),
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            VocabSize = RequiredInt("vocab_size"),
            MaxPositionEmbeddings = root["max_position_embeddings"] is not null ? RequiredInt("max_position_embeddings") : family.MaxPositionEmbeddings,
            RmsNormEps = OptionalDouble("rms_norm_eps", 1e-6),
            RopeTheta = ropeTheta,
            RopeScaling = scaling,
            TieWordEmbeddings = Optional<bool?>(root["tie_word_embeddings"], "tie_word_embeddings", "true or false") ?? family.TieWordEmbeddings,
            BosTokenId = bos ?? -1,
            EosTokenIds = eos,
            HiddenAct = act,
            HeadDimOverride = headDim,
            TorchDtype = Optional<string>(root["torch_dtype"] ?? root["dtype"], "torch_dtype", "a string") ?? "float32",
            Family = family.Family,
            NormWeightPlusOne = family.GemmaNorms,
            ScaleEmbeddings = family.GemmaNorms,
            // Qwen2's q/k/v projections always carry a bias and o_proj never does; elsewhere attention_bias sets all four.
            QkvBias = family.AlwaysQkvBias || attentionBias,
            OutputBias = attentionBias,
            QkNorm = family.QkNorm,
            SandwichNorms = family.Gemma2Traits,
            QueryPreAttnScalar = queryPreAttnScalar,
            AttnLogitSoftcapping = attnCap,
            FinalLogitSoftcapping = finalCap,
            SlidingWindow = slidingLayers is null ? null : window,
            SlidingLayers = slidingLayers,
            UseSlidingWindow = useSliding,
            MaxWindowLayers = maxWindowLayers,
        };
    }

    /// <summary>
    /// The family config.json names: its first <c>architectures</c> entry, else its <c>model_type</c>,
    /// else Llama (files without either). An architecture we do not run is refused with the list of
    /// those we do, never run as Llama by mistake.
    /// </summary>
    private static FamilyInfo ReadFamily(JsonObject root, string source)
    {
        string? architecture = null, modelType = null;
        if (root["architectures"] is { } a)
        {
            try { if (a is JsonArray { Count: > 0 } list && list[0] is JsonValue v && v.TryGetValue(out string? first)) architecture = first; }
            catch (InvalidOperationException) { }   // a string escape that is not text
            if (architecture is null) throw new UserInputException($"{source}: field 'architectures' must be a non-empty list of names");
        }
        if (root["model_type"] is { } m)
        {
            try { if (m is JsonValue v && v.TryGetValue(out string? t)) modelType = t; }
            catch (InvalidOperationException) { }
            if (modelType is null) throw new UserInputException($"{source}: field 'model_type' must be a string");
        }
        FamilyInfo? byArchitecture = architecture is null ? null : FamilyInfo.All.FirstOrDefault(f => f.Architecture == architecture);
        FamilyInfo? byType = modelType is null ? null : FamilyInfo.All.FirstOrDefault(f => f.ModelType == modelType);
        if (architecture is not null && byArchitecture is null)
            throw new UserInputException($"{source}: architecture '{architecture}' is not supported; supported: {FamilyInfo.SupportedArchitectures}");
        if (architecture is null && modelType is not null && byType is null)
            throw new UserInputException($"{source}: model_type '{modelType}' is not supported; supported: {string.Join(", ", FamilyInfo.All.Select(f => f.ModelType))} ({FamilyInfo.SupportedArchitectures})");
        if (byArchitecture is not null && modelType is not null && byType != byArchitecture)
            throw new UserInputException($"{source}: architectures says {architecture} but model_type says '{modelType}'; they must agree");
        return byArchitecture ?? byType ?? FamilyInfo.Llama;
    }

    /// <summary>config.json in the family's Hugging Face keys (loads in transformers and back here to an equal config).</summary>
    public string ToJson()
    {
        var family = FamilyInfo.Of(Family);
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(family.Architecture),
            ["model_type"] = family.ModelType,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["vocab_size"] = VocabSize,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            [family.ActivationKey] = HiddenAct,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["bos_token_id"] = BosTokenId >= 0 ? JsonValue.Create(BosTokenId) : null,
            ["eos_token_id"] = EosTokenIds.Count switch
            {
                0 => null,
                1 => JsonValue.Create(EosTokenIds[0]),
                _ => new JsonArray(EosTokenIds.Select(e => (JsonNode?)e).ToArray()),
            },
            ["torch_dtype"] = TorchDtype,
        };
        // The family's own class default would otherwise apply to an absent head_dim.
        if (HeadDimOverride is { } hd) o["head_dim"] = hd;
        else if (family.HeadDim is not null) o["head_dim"] = HiddenSize / NumAttentionHeads;
        if (family.ActivationKey != "hidden_act") o["hidden_act"] = HiddenAct;
        if (family.ReadsAttentionBias && OutputBias) o["attention_bias"] = true;
        switch (family.Windows)
        {
            case WindowRule.EveryLayer:
                o["sliding_window"] = SlidingWindow;
                break;
            case WindowRule.FromMaxWindowLayers:
                o["use_sliding_window"] = SlidingWindow is not null;
                o["sliding_window"] = SlidingWindow ?? 4096;
                o["max_window_layers"] = MaxWindowLayers ?? 28;
                if (SlidingLayers is { } q) o["layer_types"] = LayerTypes(q);
                break;
            case WindowRule.AlternateLayers:
                o["sliding_window"] = SlidingWindow;
                if (SlidingLayers is { } g) o["layer_types"] = LayerTypes(g);
                break;
        }
        if (family.Gemma2Traits)
        {
            o["query_pre_attn_scalar"] = QueryPreAttnScalar ?? 256;
            o["attn_logit_softcapping"] = AttnLogitSoftcapping;
            o["final_logit_softcapping"] = FinalLogitSoftcapping;
        }
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

    private static JsonArray LayerTypes(IReadOnlyList<bool> sliding) =>
        new(sliding.Select(s => (JsonNode?)(s ? "sliding_attention" : "full_attention")).ToArray());
}
