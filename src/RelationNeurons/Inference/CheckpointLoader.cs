using RelationNeurons.Models;
using RelationNeurons.Models.Gguf;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Inference;

/// <summary>
/// Opens what a user names as a model, whatever its format: a GGUF file, or a folder in Hugging
/// Face layout (or a Hub id found in the local cache). The one place that tells the formats apart.
/// </summary>
public static class CheckpointLoader
{
    public static IModelCheckpoint Open(string model) =>
        GgufCheckpoint.IsGgufPath(model) ? GgufCheckpoint.Open(model) : SafetensorsCheckpoint.Open(ModelLocator.Resolve(model));

    /// <summary>
    /// A tokenizer from a tokenizer file (tokenizer.json, tokenizer.model), a model folder, or a
    /// GGUF file (its <c>tokenizer.ggml.*</c> metadata); see <see cref="TokenizerLoader.Load"/>.
    /// </summary>
    public static ITokenizer LoadTokenizer(string path, int? bosId = null, IReadOnlyList<int>? eosIds = null)
    {
        if (System.IO.File.Exists(path) && GgufFile.HasMagic(path))
        {
            using var gguf = GgufFile.Open(path);
            return GgufTokenizer.Load(gguf);
        }
        return TokenizerLoader.Load(path, bosId, eosIds);
    }
}
