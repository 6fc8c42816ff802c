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

/// <summary>
/// What a family's Hugging Face configuration class assumes when a key is absent from config.json
/// (transformers' <c>configuration_*.py</c>), and its names. Read once, by <see cref="LlamaConfig.Parse"/>;
/// nothing else asks which family a model is: the parser resolves the family into the traits of
/// <see cref="LlamaConfig"/> and the loader into the layer weights.
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
    public static readonly FamilyInfo Llama = new(ModelFamily.Llama, "LlamaForCausalLM", "llama", null, null, false, 1, 2, 2048, "hidden_act", "silu");
    public static readonly FamilyInfo Mistral = new(ModelFamily.Mistral, "MistralForCausalLM", "mistral", 8, null, false, 1, 2, 4096 * 32, "hidden_act", "silu");
    public static readonly FamilyInfo Qwen2 = new(ModelFamily.Qwen2, "Qwen2ForCausalLM", "qwen2", 32, null, false, null, null, 32768, "hidden_act", "silu");
    public static readonly FamilyInfo Qwen3 = new(ModelFamily.Qwen3, "Qwen3ForCausalLM", "qwen3", 32, 128, false, null, null, 32768, "hidden_act", "silu");
    // Gemma's MLP reads hidden_activation and ignores hidden_act (transformers PR 29402): the
    // released checkpoints say "hidden_act": "gelu" but were trained with the tanh approximation.
    public static readonly FamilyInfo Gemma = new(ModelFamily.Gemma, "GemmaForCausalLM", "gemma", 16, 256, true, 2, 1, 8192, "hidden_activation", "gelu_pytorch_tanh");
    public static readonly FamilyInfo Gemma2 = new(ModelFamily.Gemma2, "Gemma2ForCausalLM", "gemma2", 4, 256, true, 2, 1, 8192, "hidden_activation", "gelu_pytorch_tanh");

    public static IReadOnlyList<FamilyInfo> All { get; } = [Llama, Mistral, Qwen2, Qwen3, Gemma, Gemma2];

    public static FamilyInfo Of(ModelFamily family) => All.First(f => f.Family == family);

    /// <summary>"LlamaForCausalLM, MistralForCausalLM, ...", for messages.</summary>
    public static string SupportedArchitectures => string.Join(", ", All.Select(f => f.Architecture));
}
