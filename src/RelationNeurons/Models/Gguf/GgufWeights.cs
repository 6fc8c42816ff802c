using RelationNeurons.Tensors;

namespace RelationNeurons.Models.Gguf;

/// <summary>
/// Binds the tensors of a Llama GGUF file to <see cref="LlamaWeights"/>: every expected tensor
/// present, a type the kernels run, and the shape the config implies (GGUF lists dimensions
/// innermost-first: [columns, rows]). Matrices stay in the map in their stored type. The Q and K
/// projections, stored by llama.cpp's converter with each head's rows interleaved for its RoPE,
/// get a row map back to the Hugging Face order, so hooks and logits equal the HF layout's.
/// </summary>
public static class GgufWeights
{
    public static unsafe LlamaWeights Bind(GgufFile file, LlamaConfig config)
    {
        long parameters = 0;
        var types = new HashSet<WeightType>();

        GgufTensorInfo Check(string name, params long[] dims)
        {
            var info = file.Find(name) ?? throw new UserInputException($"{file.Path}: tensor '{name}' not found");
            if (!info.Dims.SequenceEqual(dims))
                throw new UserInputException($"{file.Path}: tensor '{name}' has dims [{string.Join(", ", info.Dims)}] but the metadata implies [{string.Join(", ", dims)}] (innermost first)");
            if (GgmlTypes.ToWeightType(info.Type) is null)
                throw new UserInputException($"{file.Path}: tensor '{name}' has type {info.Type}; supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K");
            parameters += info.ElementCount;
            return info;
        }

        WeightMatrix Matrix(string name, int rows, int cols, int ropeHeads)
        {
            var info = Check(name, cols, rows);
            var type = GgmlTypes.ToWeightType(info.Type)!.Value;
            types.Add(type);
            return new WeightMatrix(file.DataPointer(info), type, rows, cols, ropeHeads > 0 ? RopeRowMap(rows, ropeHeads) : null);
        }

        float[] Vector(string name, int length)
        {
            var info = Check(name, length);
            var result = new float[length];
            DequantizeRows.Row(new WeightMatrix(file.DataPointer(info), GgmlTypes.ToWeightType(info.Type)!.Value, 1, length), 0, result);
            return result;
        }

        var layout = LlamaTensorLayout.Gguf;
        foreach (string bias in layout.FirstLayerProjections(".bias"))
            if (file.Find(bias) is not null)
                throw new UserInputException($"{file.Path}: tensor '{bias}' found; projections with bias are not supported");

        return layout.Bind(config, Matrix, Vector, () => (parameters, types.Count == 1 ? types.First().ToString() : "mixed"));
    }

    /// <summary>
    /// llama.cpp's converter stores, per head of <c>d</c> rows, HF row <c>j·d/2 + i</c> (j = half,
    /// i &lt; d/2) at row <c>2i + j</c>. The map gives, for each HF row, its stored row.
    /// </summary>
    public static int[] RopeRowMap(int rows, int heads)
    {
        int d = rows / heads, half = d / 2;
        var map = new int[rows];
        for (int hd = 0; hd < heads; hd++)
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < half; i++)
                    map[hd * d + j * half + i] = hd * d + 2 * i + j;
        return map;
    }
}
