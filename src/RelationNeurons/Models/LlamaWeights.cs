using System.Globalization;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Models;

/// <summary>The weights of one decoder block: views on the mapped files plus copied norm vectors.</summary>
public sealed class LayerWeights
{
    public required float[] InputNorm { get; init; }
    public required WeightMatrix Q { get; init; }
    public required WeightMatrix K { get; init; }
    public required WeightMatrix V { get; init; }
    public required WeightMatrix O { get; init; }
    public required float[] PostAttentionNorm { get; init; }
    public required WeightMatrix Gate { get; init; }
    public required WeightMatrix Up { get; init; }
    public required WeightMatrix Down { get; init; }
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
        int h = config.HiddenSize, f = config.IntermediateSize, qw = config.QueryWidth, kvw = config.KeyValueWidth, v = config.VocabSize;
        long parameters = 0;
        var dtypes = new HashSet<SafetensorsDtype>();

        unsafe WeightMatrix Matrix(string name, int rows, int cols)
        {
            var (file, info) = Check(name, rows, cols);
            parameters += info.ElementCount;
            dtypes.Add(info.Dtype);
            var type = info.Dtype switch
            {
                SafetensorsDtype.F32 => WeightType.F32,
                SafetensorsDtype.F16 => WeightType.F16,
                _ => WeightType.BF16,
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
                throw new UserInputException($"{file.Path}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", shape)}]");
            return (file, info);
        }

        // Projection biases (attention_bias / mlp_bias variants) would be silently ignored: refuse them.
        foreach (string proj in new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj" })
        {
            string bias = $"model.layers.0.{proj}.bias";
            if (files.Contains(bias))
                throw new UserInputException($"{files.Find(bias).File.Path}: tensor '{bias}' found; projections with bias are not supported");
        }

        var embedding = Matrix("model.embed_tokens.weight", v, h);
        var layers = new LayerWeights[config.NumHiddenLayers];
        for (int l = 0; l < layers.Length; l++)
        {
            string p = "model.layers." + l.ToString(CultureInfo.InvariantCulture) + ".";
            layers[l] = new LayerWeights
            {
                InputNorm = Vector(p + "input_layernorm.weight", h),
                Q = Matrix(p + "self_attn.q_proj.weight", qw, h),
                K = Matrix(p + "self_attn.k_proj.weight", kvw, h),
                V = Matrix(p + "self_attn.v_proj.weight", kvw, h),
                O = Matrix(p + "self_attn.o_proj.weight", h, qw),
                PostAttentionNorm = Vector(p + "post_attention_layernorm.weight", h),
                Gate = Matrix(p + "mlp.gate_proj.weight", f, h),
                Up = Matrix(p + "mlp.up_proj.weight", f, h),
                Down = Matrix(p + "mlp.down_proj.weight", h, f),
            };
        }
        var finalNorm = Vector("model.norm.weight", h);
        // Tied checkpoints usually omit lm_head; HF then multiplies by the embedding matrix.
        var head = config.TieWordEmbeddings ? embedding : Matrix("lm_head.weight", v, h);
        return new LlamaWeights
        {
            Embedding = embedding,
            Layers = layers,
            FinalNorm = finalNorm,
            LmHead = head,
            ParameterCount = parameters,
            StorageDtype = dtypes.Count == 1 ? dtypes.First().ToString() : "mixed",
        };
    }
}
