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
    public static readonly LlamaTensorLayout HuggingFace = new(
        "model.embed_tokens.weight", "model.layers.", "input_layernorm.weight", "self_attn.q_proj", "self_attn.k_proj",
        "self_attn.v_proj", "self_attn.o_proj", "post_attention_layernorm.weight", "mlp.gate_proj", "mlp.up_proj",
        "mlp.down_proj", "model.norm.weight", "lm_head.weight");

    public static readonly LlamaTensorLayout Gguf = new(
        "token_embd.weight", "blk.", "attn_norm.weight", "attn_q", "attn_k", "attn_v", "attn_output",
        "ffn_norm.weight", "ffn_gate", "ffn_up", "ffn_down", "output_norm.weight", "output.weight");

    private string Layer(int l) => LayerPrefix + l.ToString(CultureInfo.InvariantCulture) + ".";

    /// <summary>The seven projections' names in layer 0 with a suffix (e.g. ".bias", for refusing biased variants).</summary>
    public IEnumerable<string> FirstLayerProjections(string suffix) =>
        new[] { Q, K, V, O, Gate, Up, Down }.Select(p => Layer(0) + p + suffix);

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
        for (int l = 0; l < layers.Length; l++)
        {
            string p = Layer(l);
            layers[l] = new LayerWeights
            {
                InputNorm = vector(p + InputNorm, h),
                Q = matrix(p + Q + ".weight", qw, h, config.NumAttentionHeads),
                K = matrix(p + K + ".weight", kvw, h, config.NumKeyValueHeads),
                V = matrix(p + V + ".weight", kvw, h, 0),
                O = matrix(p + O + ".weight", h, qw, 0),
                PostAttentionNorm = vector(p + PostAttentionNorm, h),
                Gate = matrix(p + Gate + ".weight", f, h, 0),
                Up = matrix(p + Up + ".weight", f, h, 0),
                Down = matrix(p + Down + ".weight", h, f, 0),
            };
        }
        var finalNorm = vector(FinalNorm, h);
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
