namespace RelationNeurons.Models;

/// <summary>The decoder families the engine runs: Llama and its relatives in Hugging Face layout.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ModelFamily>))]
public enum ModelFamily
{
    Llama,
    Mistral,
    Qwen2,
    Qwen3,
    Gemma,
    Gemma2,
}

/// <summary>The MLP's gate activation: SiLU (SwiGLU) or GeLU with the tanh approximation (GeGLU).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MlpActivation>))]
public enum MlpActivation
{
    Silu,
    GeluTanh,
}

/// <summary>How a family decides which layers use a sliding attention window.</summary>
public enum WindowRule
{
    /// <summary>No window (Llama, Gemma).</summary>
    None,
    /// <summary>sliding_window (absent: 4096, null: none) on every layer (Mistral).</summary>
    EveryLayer,
    /// <summary>Only with use_sliding_window; layer_types, else the layers from max_window_layers on (Qwen2, Qwen3).</summary>
    FromMaxWindowLayers,
    /// <summary>sliding_window (absent: 4096) on layer_types' sliding layers, else layers 0, 2, 4, ... (Gemma 2).</summary>
    AlternateLayers,
}

/// <summary>
/// A family as its Hugging Face modeling and configuration classes define it (transformers'
/// <c>modeling_*.py</c>, <c>configuration_*.py</c>): its names, what the configuration class assumes
/// when a key is absent from config.json, and the traits of its forward pass. Read once, by
/// <see cref="LlamaConfig.Parse"/>, which resolves them with the file's keys into the traits of
/// <see cref="LlamaConfig"/>; the loader binds the tensors those call for into the layer weights.
/// Nothing else asks which family a model is.
/// </summary>
/// <param name="KeyValueHeads">num_key_value_heads when absent (null: as many as num_attention_heads).</param>
/// <param name="HeadDim">head_dim when absent (null: hidden_size / num_attention_heads).</param>
/// <param name="ActivationKey">The config key that names the MLP activation.</param>
/// <param name="Activation">Its value when absent.</param>
public sealed record FamilyInfo(
    ModelFamily Family,
    string Architecture,
    string ModelType,
    int? KeyValueHeads,
    int? HeadDim,
    bool TieWordEmbeddings,
    int? BosTokenId,
    int? EosTokenId,
    int MaxPositionEmbeddings,
    string ActivationKey,
    string Activation)
{
    /// <summary>RMSNorm × (1 + w) and embeddings × √hidden (GemmaRMSNorm, GemmaModel).</summary>
    public bool GemmaNorms { get; init; }
    /// <summary>q/k/v projections always carry a bias, o_proj never (Qwen2Attention).</summary>
    public bool AlwaysQkvBias { get; init; }
    /// <summary>attention_bias puts a bias on q, k, v and o (Llama, Qwen3, Gemma, Gemma 2; not Mistral, Qwen2).</summary>
    public bool ReadsAttentionBias { get; init; }
    /// <summary>RMSNorm over head_dim on each query and key head before RoPE (Qwen3Attention q_norm, k_norm).</summary>
    public bool QkNorm { get; init; }
    /// <summary>Gemma 2: post-attention and pre/post-feed-forward norms, query_pre_attn_scalar, attention and final soft-caps.</summary>
    public bool Gemma2Traits { get; init; }
    public WindowRule Windows { get; init; }

    public static readonly FamilyInfo Llama = new(ModelFamily.Llama, "LlamaForCausalLM", "llama", null, null, false, 1, 2, 2048, "hidden_act", "silu")
        { ReadsAttentionBias = true };
    public static readonly FamilyInfo Mistral = new(ModelFamily.Mistral, "MistralForCausalLM", "mistral", 8, null, false, 1, 2, 4096 * 32, "hidden_act", "silu")
        { Windows = WindowRule.EveryLayer };
    public static readonly FamilyInfo Qwen2 = new(ModelFamily.Qwen2, "Qwen2ForCausalLM", "qwen2", 32, null, false, null, null, 32768, "hidden_act", "silu")
        { AlwaysQkvBias = true, Windows = WindowRule.FromMaxWindowLayers };
    public static readonly FamilyInfo Qwen3 = new(ModelFamily.Qwen3, "Qwen3ForCausalLM", "qwen3", 32, 128, false, null, null, 32768, "hidden_act", "silu")
        { ReadsAttentionBias = true, QkNorm = true, Windows = WindowRule.FromMaxWindowLayers };
    // Gemma's MLP reads hidden_activation and ignores hidden_act (transformers PR 29402): the
    // released checkpoints say "hidden_act": "gelu" but were trained with the tanh approximation.
    public static readonly FamilyInfo Gemma = new(ModelFamily.Gemma, "GemmaForCausalLM", "gemma", 16, 256, true, 2, 1, 8192, "hidden_activation", "gelu_pytorch_tanh")
        { GemmaNorms = true, ReadsAttentionBias = true };
    public static readonly FamilyInfo Gemma2 = new(ModelFamily.Gemma2, "Gemma2ForCausalLM", "gemma2", 4, 256, true, 2, 1, 8192, "hidden_activation", "gelu_pytorch_tanh")
        { GemmaNorms = true, ReadsAttentionBias = true, Gemma2Traits = true, Windows = WindowRule.AlternateLayers };

    public static IReadOnlyList<FamilyInfo> All { get; } = [Llama, Mistral, Qwen2, Qwen3, Gemma, Gemma2];

    public static FamilyInfo Of(ModelFamily family) => All.First(f => f.Family == family);

    /// <summary>"LlamaForCausalLM, MistralForCausalLM, ...", for messages.</summary>
    public static string SupportedArchitectures => string.Join(", ", All.Select(f => f.Architecture));
}
