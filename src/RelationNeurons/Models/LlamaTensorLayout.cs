using System.Globalization;
using RelationNeurons.Tensors;

namespace RelationNeurons.Models;

/// <summary>
/// What a checkpoint format calls each Llama tensor: Hugging Face safetensors names
/// (<c>model.layers.3.mlp.up_proj.weight</c>) or GGUF names (<c>blk.3.ffn_up.weight</c>).
/// Projection names are without the <c>.weight</c> / <c>.bias</c> suffix.
/// </summary>
internal sealed record LlamaTensorLayout(
    string Embedding, string LayerPrefix, string InputNorm, string Q, string K, string V, string O,
    string PostAttentionNorm, string Gate, string Up, string Down, string FinalNorm, string LmHead)
{
    /// <summary>Qwen3's per-head query and key norms (no GGUF names: GGUF files are Llama only here).</summary>
    public string? QNorm { get; init; }
    public string? KNorm { get; init; }
    /// <summary>Gemma 2: the pre-MLP norm (bound as <see cref="LayerWeights.PostAttentionNorm"/>), and the post-feed-forward norm.</summary>
    public string? PreFeedforwardNorm { get; init; }
    public string? PostFeedforwardNorm { get; init; }

    public static readonly LlamaTensorLayout HuggingFace = new(
        "model.embed_tokens.weight", "model.layers.", "input_layernorm.weight", "self_attn.q_proj", "self_attn.k_proj",
        "self_attn.v_proj", "self_attn.o_proj", "post_attention_layernorm.weight", "mlp.gate_proj", "mlp.up_proj",
        "mlp.down_proj", "model.norm.weight", "lm_head.weight")
    {
        QNorm = "self_attn.q_norm.weight", KNorm = "self_attn.k_norm.weight",
        PreFeedforwardNorm = "pre_feedforward_layernorm.weight", PostFeedforwardNorm = "post_feedforward_layernorm.weight",
    };

    public static readonly LlamaTensorLayout Gguf = new(
        "token_embd.weight", "blk.", "attn_norm.weight", "attn_q", "attn_k", "attn_v", "attn_output",
        "ffn_norm.weight", "ffn_gate", "ffn_up", "ffn_down", "output_norm.weight", "output.weight");

    private string Layer(int l) => LayerPrefix + l.ToString(CultureInfo.InvariantCulture) + ".";

    /// <summary>The seven projections' names in layer 0 with a suffix (e.g. ".bias", for refusing biased variants).</summary>
    public IEnumerable<string> FirstLayerProjections(string suffix) =>
        new[] { Q, K, V, O, Gate, Up, Down }.Select(p => Layer(0) + p + suffix);

    /// <summary>Which config keys a projection's expected shape comes from, for the shape-mismatch message.</summary>
    public static string ShapeHint(string name, LlamaConfig c)
    {
        string Heads(string what, int heads) => $"{what} {heads} × head_dim {c.HeadDim}";
        if (name.Contains("q_proj", StringComparison.Ordinal) || name.Contains("attn_q", StringComparison.Ordinal))
            return $" ({Heads("num_attention_heads", c.NumAttentionHeads)} = {c.QueryWidth}; hidden_size {c.HiddenSize})";
        if (name.Contains("k_proj", StringComparison.Ordinal) || name.Contains("v_proj", StringComparison.Ordinal))
            return $" ({Heads("num_key_value_heads", c.NumKeyValueHeads)} = {c.KeyValueWidth}; hidden_size {c.HiddenSize})";
        if (name.Contains("o_proj", StringComparison.Ordinal))
            return $" (hidden_size {c.HiddenSize}; {Heads("num_attention_heads", c.NumAttentionHeads)} = {c.QueryWidth})";
        if (name.Contains("q_norm", StringComparison.Ordinal) || name.Contains("k_norm", StringComparison.Ordinal))
            return $" (head_dim {c.HeadDim})";
        if (name.Contains("mlp.", StringComparison.Ordinal))
            return $" (intermediate_size {c.IntermediateSize}, hidden_size {c.HiddenSize})";
        if (name.Contains("embed_tokens", StringComparison.Ordinal) || name.Contains("lm_head", StringComparison.Ordinal))
            return $" (vocab_size {c.VocabSize}, hidden_size {c.HiddenSize})";
        return "";
    }

    /// <summary>
    /// Binds every tensor the config implies, in one fixed order (embedding, then per layer
    /// norm, q, k, v, o, norm, gate, up, down, then final norm and head), so each format reports
    /// the first bad tensor alike. <paramref name="matrix"/> gets (name, rows, cols, RoPE heads
    /// for q/k, else 0); <paramref name="vector"/> (name, length). Tied embeddings reuse the
    /// embedding as head. The caller's callbacks count parameters and dtypes, read afterwards
    /// through <paramref name="totals"/>.
    /// </summary>
    public LlamaWeights Bind(LlamaConfig config, Func<string, int, int, int, WeightMatrix> matrix, Func<string, int, float[]> vector,
        Func<(long Parameters, string StorageDtype)> totals)
    {
        int h = config.HiddenSize, f = config.IntermediateSize, qw = config.QueryWidth, kvw = config.KeyValueWidth, v = config.VocabSize;
        var embedding = matrix(Embedding, v, h, 0);
        var layers = new LayerWeights[config.NumHiddenLayers];
        // A family's extra tensors come from the config's traits; a layout without their names cannot hold them.
        string Named(string? name, string what) => name ?? throw new UserInputException($"{what} tensors are not supported in this format ({config.Architecture})");
        // (1 + weight) norms (Gemma): the engine multiplies by the folded factor, computed in float32 as HF does.
        float[] Norm(string name, int length)
        {
            var w = vector(name, length);
            if (config.NormWeightPlusOne)
            {
                w = (float[])w.Clone();
                for (int i = 0; i < w.Length; i++) w[i] = 1f + w[i];
            }
            return w;
        }
        float[]? Bias(bool present, string p, string projection, int length) => present ? vector(p + projection + ".bias", length) : null;
        for (int l = 0; l < layers.Length; l++)
        {
            string p = Layer(l);
            var inputNorm = Norm(p + InputNorm, h);
            var q = matrix(p + Q + ".weight", qw, h, config.NumAttentionHeads);
            var qBias = Bias(config.QkvBias, p, Q, qw);
            var k = matrix(p + K + ".weight", kvw, h, config.NumKeyValueHeads);
            var kBias = Bias(config.QkvBias, p, K, kvw);
            var vm = matrix(p + V + ".weight", kvw, h, 0);
            var vBias = Bias(config.QkvBias, p, V, kvw);
            var qNorm = config.QkNorm ? vector(p + Named(QNorm, "q_norm"), config.HeadDim) : null;
            var kNorm = config.QkNorm ? vector(p + Named(KNorm, "k_norm"), config.HeadDim) : null;
            var o = matrix(p + O + ".weight", h, qw, 0);
            var oBias = Bias(config.OutputBias, p, O, h);
            // Gemma 2 names its pre-MLP norm pre_feedforward_layernorm; its post_attention_layernorm acts on the attention output.
            var attentionOutputNorm = config.SandwichNorms ? Norm(p + PostAttentionNorm, h) : null;
            var mlpNorm = Norm(p + (config.SandwichNorms ? Named(PreFeedforwardNorm, "pre_feedforward_layernorm") : PostAttentionNorm), h);
            var gate = matrix(p + Gate + ".weight", f, h, 0);
            var up = matrix(p + Up + ".weight", f, h, 0);
            var down = matrix(p + Down + ".weight", h, f, 0);
            var mlpOutputNorm = config.SandwichNorms ? Norm(p + Named(PostFeedforwardNorm, "post_feedforward_layernorm"), h) : null;
            layers[l] = new LayerWeights
            {
                InputNorm = inputNorm, Q = q, K = k, V = vm, O = o, PostAttentionNorm = mlpNorm, Gate = gate, Up = up, Down = down,
                QBias = qBias, KBias = kBias, VBias = vBias, OBias = oBias, QNorm = qNorm, KNorm = kNorm,
                AttentionOutputNorm = attentionOutputNorm, MlpOutputNorm = mlpOutputNorm,
            };
        }
        var finalNorm = Norm(FinalNorm, h);
        // Tied checkpoints usually omit the head; HF then multiplies by the embedding matrix.
        var head = config.TieWordEmbeddings ? embedding : matrix(LmHead, v, h, 0);
        var (parameters, dtype) = totals();
        return new LlamaWeights
        {
            Embedding = embedding,
            Layers = layers,
            FinalNorm = finalNorm,
            LmHead = head,
            ParameterCount = parameters,
            StorageDtype = dtype,
        };
    }
}
