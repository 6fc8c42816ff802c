using RelationNeurons.Tokenization;

namespace RelationNeurons.Models.Gguf;

/// <summary>A Llama GGUF file opened for the engine: the mapped file, its config and bound weights.</summary>
public sealed class GgufCheckpoint : IDisposable
{
    public GgufFile File { get; }
    public LlamaConfig Config { get; }
    public LlamaWeights Weights { get; }

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

    public void Dispose() => File.Dispose();
}
