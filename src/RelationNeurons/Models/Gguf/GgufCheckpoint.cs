using RelationNeurons.Tensors;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Models.Gguf;

/// <summary>A Llama GGUF file opened for the engine: the mapped file, its config and bound weights.</summary>
public sealed class GgufCheckpoint : IModelCheckpoint
{
    public GgufFile File { get; }
    public LlamaConfig Config { get; }
    public LlamaWeights Weights { get; }
    public string Location => File.Path;
    public long MappedBytes => File.FileLength;
    public unsafe bool Maps(void* address, long bytes) => File.Maps(address, bytes);
    public IReadOnlyList<string> FilePaths => [File.Path];

    private GgufCheckpoint(GgufFile file, LlamaConfig config, LlamaWeights weights)
    {
        File = file; Config = config; Weights = weights;
    }

    /// <summary>Whether a --model argument names a GGUF file (a .gguf path, or an existing file starting with the GGUF magic).</summary>
    public static bool IsGgufPath(string model) =>
        model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ||
        (System.IO.File.Exists(model) && GgufFile.HasMagic(model));

    public static GgufCheckpoint Open(string path)
    {
        var file = GgufFile.Open(Path.GetFullPath(path));
        try
        {
            var config = GgufLlamaConfig.Read(file);
            return new GgufCheckpoint(file, config, GgufWeights.Bind(file, config));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool HasTokenizer => GgufTokenizer.Has(File);

    public ITokenizer LoadTokenizer() => GgufTokenizer.Load(File);

    /// <summary>
    /// Every tensor of a type the engine reads, decoded row by row to float32 (a quantized block
    /// whose scale is NaN or infinite poisons all of its elements, so the decoded values are what
    /// must be checked, not the stored bits).
    /// </summary>
    public unsafe void CheckWeights()
    {
        float[] row = [];
        foreach (string name in File.TensorOrder)
        {
            var info = File.Tensors[name];
            if (GgmlTypes.ToWeightType(info.Type) is not { } type || info.Dims.Length == 0 || info.ElementCount == 0) continue;
            int cols = checked((int)info.Dims[0]);
            int rows = checked((int)(info.ElementCount / cols));
            var matrix = new WeightMatrix(File.DataPointer(info), type, rows, cols);
            if (row.Length < cols) row = new float[cols];
            var values = row.AsSpan(0, cols);
            long[] shape = [.. info.Dims.Reverse()];
            for (int r = 0; r < rows; r++)
            {
                DequantizeRows.Row(matrix, r, values);
                long found = WeightValidator.FindNonFinite(values);
                if (found >= 0) throw WeightValidator.NonFinite(File.Path, name, shape, (long)r * cols + found, values[(int)found]);
            }
        }
    }

    public void Dispose() => File.Dispose();
}
