using RelationNeurons.Tokenization;

namespace RelationNeurons.Models;

/// <summary>A checkpoint folder in Hugging Face layout: config.json, safetensors (single or sharded), tokenizer files.</summary>
public sealed class SafetensorsCheckpoint : IModelCheckpoint
{
    private readonly CheckpointFiles _files;

    public string Location { get; }
    public LlamaConfig Config { get; }
    public LlamaWeights Weights { get; }
    public long MappedBytes => _files.MappedBytes;
    public unsafe bool Maps(void* address, long bytes) => _files.Maps(address, bytes);
    public IReadOnlyList<string> FilePaths { get; }

    private SafetensorsCheckpoint(string folder, LlamaConfig config, CheckpointFiles files, LlamaWeights weights)
    {
        Location = folder; Config = config; _files = files; Weights = weights;
        FilePaths = files.Files.Select(f => f.Path).ToList();
    }

    /// <summary>Opens a resolved checkpoint folder (see <see cref="ModelLocator.Resolve"/>).</summary>
    public static SafetensorsCheckpoint Open(string folder)
    {
        var config = LlamaConfig.Load(Path.Combine(folder, "config.json"));
        var files = CheckpointFiles.Open(folder);
        try
        {
            return new SafetensorsCheckpoint(folder, config, files, LlamaWeights.Bind(files, config));
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    public bool HasTokenizer =>
        File.Exists(Path.Combine(Location, TokenizerLoader.TokenizerJson)) ||
        File.Exists(Path.Combine(Location, TokenizerLoader.SentencePieceModelFile));

    /// <remarks>A config without BOS (Qwen's bos_token_id null or absent) gives none; the tokenizer files may still name one.</remarks>
    public ITokenizer LoadTokenizer() => TokenizerLoader.Load(Location, Config.BosTokenId >= 0 ? Config.BosTokenId : null, Config.EosTokenIds);

    public void CheckWeights() => WeightValidator.CheckAll(_files);

    public void Dispose() => _files.Dispose();
}
