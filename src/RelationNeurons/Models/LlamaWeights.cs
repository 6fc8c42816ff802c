using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tensors;

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
                throw new UserInputException($"{file.Path}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", shape)}]");
            return (file, info);
        }

        var layout = LlamaTensorLayout.HuggingFace;
        // Projection biases (attention_bias / mlp_bias variants) would be silently ignored: refuse them.
        foreach (string bias in layout.FirstLayerProjections(".bias"))
            if (files.Contains(bias))
                throw new UserInputException($"{files.Find(bias).File.Path}: tensor '{bias}' found; projections with bias are not supported");

        return layout.Bind(config, Matrix, Vector, () => (parameters, dtypes.Count == 1 ? dtypes.First().ToString() : "mixed"));
    }
}
