using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tensors;

namespace RelationNeurons.Models;

/// <summary>
/// The weights of one decoder block: views on the mapped files plus copied norm vectors and biases.
/// Norm weights are the factors the engine multiplies by: a family whose RMSNorm multiplies by
/// (1 + weight) (Gemma) has the 1 added here, in float32, at load. The optional parts are present
/// exactly when the config's traits ask for them.
/// </summary>
public sealed class LayerWeights
{
    public required float[] InputNorm { get; init; }
    public required WeightMatrix Q { get; init; }
    public required WeightMatrix K { get; init; }
    public required WeightMatrix V { get; init; }
    public required WeightMatrix O { get; init; }
    /// <summary>The norm before the MLP: HF post_attention_layernorm (Gemma 2: pre_feedforward_layernorm).</summary>
    public required float[] PostAttentionNorm { get; init; }
    public required WeightMatrix Gate { get; init; }
    public required WeightMatrix Up { get; init; }
    public required WeightMatrix Down { get; init; }
    /// <summary>q/k/v_proj biases (Qwen2, attention_bias).</summary>
    public float[]? QBias { get; init; }
    public float[]? KBias { get; init; }
    public float[]? VBias { get; init; }
    /// <summary>o_proj bias (attention_bias).</summary>
    public float[]? OBias { get; init; }
    /// <summary>Per-head RMSNorm weights over head_dim for queries and keys (Qwen3 q_norm, k_norm).</summary>
    public float[]? QNorm { get; init; }
    public float[]? KNorm { get; init; }
    /// <summary>The norm on the attention output before the residual add (Gemma 2's post_attention_layernorm).</summary>
    public float[]? AttentionOutputNorm { get; init; }
    /// <summary>The norm on the MLP output before the residual add (Gemma 2's post_feedforward_layernorm).</summary>
    public float[]? MlpOutputNorm { get; init; }
}

/// <summary>
/// All weights of a Llama checkpoint, checked against its config (every expected tensor present,
/// float dtype, exact shape). Matrices stay in their stored type inside the memory map; only
/// the small norm vectors are copied to float32.
/// </summary>
public sealed class LlamaWeights
{
    public required WeightMatrix Embedding { get; init; }
    public required IReadOnlyList<LayerWeights> Layers { get; init; }
    public required float[] FinalNorm { get; init; }
    /// <summary>The LM head; the embedding matrix itself when embeddings are tied.</summary>
    public required WeightMatrix LmHead { get; init; }
    /// <summary>Number of stored parameters the model uses (the tied head counted once).</summary>
    public required long ParameterCount { get; init; }
    /// <summary>The storage dtype of the matrices ("F32", "F16", "BF16", or "mixed").</summary>
    public required string StorageDtype { get; init; }

    public static LlamaWeights Bind(CheckpointFiles files, LlamaConfig config)
    {
        long parameters = 0;
        var dtypes = new HashSet<SafetensorsDtype>();

        unsafe WeightMatrix Matrix(string name, int rows, int cols, int ropeHeads)
        {
            var (file, info) = Check(name, rows, cols);
            parameters += info.ElementCount;
            dtypes.Add(info.Dtype);
            var type = info.Dtype switch
            {
                SafetensorsDtype.F32 => WeightType.F32,
                SafetensorsDtype.F16 => WeightType.F16,
                SafetensorsDtype.BF16 => WeightType.BF16,
                _ => throw new UserInputException($"{file.Path}: tensor '{name}' has dtype {info.Dtype}; expected F32, F16 or BF16"),
            };
            return new WeightMatrix(file.DataPointer(info), type, rows, cols);
        }

        float[] Vector(string name, int length)
        {
            var (file, info) = Check(name, length);
            parameters += info.ElementCount;
            // Norm weights are copied anyway: checking them for NaN/Inf costs nothing.
            var values = file.ReadFloat32(name);
            WeightValidator.Check(values, file.Path, name, info.Shape);
            return values;
        }

        (SafetensorsFile, SafetensorsTensorInfo) Check(string name, params int[] shape)
        {
            var (file, info) = files.Find(name);
            if (info.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16))
                throw new UserInputException($"{file.Path}: tensor '{name}' has dtype {info.Dtype}; expected F32, F16 or BF16");
            if (!info.Shape.SequenceEqual(shape.Select(s => (long)s)))
                throw new UserInputException($"{file.Path}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", shape)}]{LlamaTensorLayout.ShapeHint(name, config)}");
            return (file, info);
        }

        var layout = LlamaTensorLayout.HuggingFace;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var weights = layout.Bind(config,
            (name, rows, cols, heads) => { used.Add(name); return Matrix(name, rows, cols, heads); },
            (name, length) => { used.Add(name); return Vector(name, length); },
            () => (parameters, dtypes.Count == 1 ? dtypes.First().ToString() : "mixed"));
        RefuseUnused(files, config, used);
        return weights;
    }

    /// <summary>
    /// A tensor nothing reads means the checkpoint is not what its config says (a Qwen3 checkpoint's
    /// q_norm under a Llama config would otherwise run as Llama without a word): refuse it, by name.
    /// Tolerated, as Hugging Face ignores them: saved rotary buffers (<c>rotary_emb.inv_freq</c>) and a
    /// stored <c>lm_head.weight</c> when the head is tied to the embedding.
    /// </summary>
    private static void RefuseUnused(CheckpointFiles files, LlamaConfig config, HashSet<string> used)
    {
        foreach (var file in files.Files)
            foreach (string name in file.Tensors.Keys.Order(StringComparer.Ordinal))
            {
                if (used.Contains(name) || !files.Contains(name) || name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)) continue;
                if (config.TieWordEmbeddings && name == LlamaTensorLayout.HuggingFace.LmHead) continue;
                if (name.EndsWith(".bias", StringComparison.Ordinal))
                    throw new UserInputException($"{file.Path}: tensor '{name}' found; projections with bias are not supported for {config.Architecture} " +
                                                 "unless config.json says so (attention_bias)");
                throw new UserInputException($"{file.Path}: tensor '{name}' is not part of a {config.Architecture} checkpoint as config.json describes it " +
                                             "(nothing would read it); check the architecture and the family's keys in config.json");
            }
    }
}
