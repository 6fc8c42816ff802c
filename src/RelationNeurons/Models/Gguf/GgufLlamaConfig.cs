namespace RelationNeurons.Models.Gguf;

/// <summary>
/// The hyper-parameters of a Llama-architecture GGUF file as a <see cref="LlamaConfig"/>, from the
/// <c>{arch}.*</c> metadata keys written by llama.cpp's converter.
/// </summary>
public static class GgufLlamaConfig
{
    /// <summary>Architectures whose GGUF tensors and math are exactly Llama's.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures = ["llama"];

    /// <summary>Keys holding exact Llama-3 rope_scaling parameters (our exporter's; llama.cpp keeps only the rope_freqs tensor).</summary>
    public const string ScalingPrefix = "relneurons.rope_scaling.";

    public static LlamaConfig Read(GgufFile file)
    {
        string path = file.Path;
        string arch = file.GetString("general.architecture")
            ?? throw new UserInputException($"{path}: metadata 'general.architecture' is missing");
        if (!SupportedArchitectures.Contains(arch))
            throw new UserInputException($"{path}: architecture '{arch}' is not supported (only {string.Join(", ", SupportedArchitectures)})");

        int Required(string key)
        {
            long v = file.GetInteger(arch + "." + key) ?? throw new UserInputException($"{path}: metadata '{arch}.{key}' is missing");
            if (v <= 0 || v > int.MaxValue) throw new UserInputException($"{path}: metadata '{arch}.{key}' must be a positive int, got {v}");
            return (int)v;
        }
        int? Optional(string key) => file.Has(arch + "." + key) ? Required(key) : null;

        int hidden = Required("embedding_length");
        int heads = Required("attention.head_count");
        int kvHeads = Optional("attention.head_count_kv") ?? heads;
        int? keyLength = Optional("attention.key_length");
        int? valueLength = Optional("attention.value_length");
        if (keyLength is null && hidden % heads != 0)
            throw new UserInputException($"{path}: embedding_length ({hidden}) is not divisible by head_count ({heads})");
        int headDim = keyLength ?? hidden / heads;
        if (valueLength is { } vl && vl != headDim)
            throw new UserInputException($"{path}: attention.value_length {vl} differs from key_length {headDim}; not supported");
        if (headDim % 2 != 0) throw new UserInputException($"{path}: head dimension {headDim} must be even for RoPE");
        if (heads % kvHeads != 0) throw new UserInputException($"{path}: head_count ({heads}) is not a multiple of head_count_kv ({kvHeads})");
        if (Optional("rope.dimension_count") is { } rot && rot != headDim)
            throw new UserInputException($"{path}: rope.dimension_count {rot} differs from the head dimension {headDim}; partial rotary embeddings are not supported");

        var embedding = file.Find("token_embd.weight") ?? throw new UserInputException($"{path}: tensor 'token_embd.weight' not found");
        if (embedding.Dims.Length != 2) throw new UserInputException($"{path}: tensor 'token_embd.weight' has {embedding.Dims.Length} dimensions; expected 2");
        long vocab = embedding.Dims[1];
        if (Optional("vocab_size") is { } declared && declared != vocab)
            throw new UserInputException($"{path}: {arch}.vocab_size {declared} differs from token_embd.weight's {vocab} rows");
        if (vocab > int.MaxValue) throw new UserInputException($"{path}: vocabulary of {vocab} is too large");

        RopeScaling? scaling = null;
        string? ourType = file.GetString(ScalingPrefix + "type");
        if (ourType is not null)
        {
            if (ourType != "llama3") throw new UserInputException($"{path}: {ScalingPrefix}type '{ourType}' is not supported (only llama3)");
            scaling = new RopeScaling("llama3",
                file.GetNumber(ScalingPrefix + "factor") ?? throw new UserInputException($"{path}: {ScalingPrefix}factor missing"),
                file.GetNumber(ScalingPrefix + "low_freq_factor") ?? 1.0,
                file.GetNumber(ScalingPrefix + "high_freq_factor") ?? 4.0,
                (int)(file.GetInteger(ScalingPrefix + "original_max_position_embeddings") ?? 8192));
        }
        string? scalingType = file.GetString(arch + ".rope.scaling.type");
        if (scalingType is not (null or "none"))
            throw new UserInputException($"{path}: rope scaling type '{scalingType}' is not supported");
        if (file.GetNumber(arch + ".rope.scaling.factor") is { } f && f is not (0.0 or 1.0))
            throw new UserInputException($"{path}: rope scaling factor {f} is not supported");
        if (file.Find("rope_freqs.weight") is not null && scaling is null)
            throw new UserInputException($"{path}: tensor 'rope_freqs.weight' (Llama-3 per-frequency RoPE factors) is not supported without the {ScalingPrefix}* keys our exporter writes");

        var eos = new List<int>();
        if (file.GetInteger("tokenizer.ggml.eos_token_id") is { } e) eos.Add((int)e);
        if (file.GetInteger("tokenizer.ggml.eot_token_id") is { } eot && !eos.Contains((int)eot)) eos.Add((int)eot);
        if (eos.Count == 0) eos.Add(2);

        return new LlamaConfig
        {
            HiddenSize = hidden,
            IntermediateSize = Required("feed_forward_length"),
            NumHiddenLayers = Required("block_count"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            VocabSize = (int)vocab,
            MaxPositionEmbeddings = Optional("context_length") ?? 2048,
            RmsNormEps = file.GetNumber(arch + ".attention.layer_norm_rms_epsilon") ?? 1e-5,
            RopeTheta = file.GetNumber(arch + ".rope.freq_base") ?? 10000.0,
            RopeScaling = scaling,
            TieWordEmbeddings = file.Find("output.weight") is null,
            BosTokenId = (int)(file.GetInteger("tokenizer.ggml.bos_token_id") ?? 1),
            EosTokenIds = eos,
            HeadDimOverride = keyLength is { } k && k != hidden / heads ? k : null,
            TorchDtype = "float32",
        };
    }
}
