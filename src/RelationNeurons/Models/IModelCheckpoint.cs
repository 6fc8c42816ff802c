using RelationNeurons.Tokenization;

namespace RelationNeurons.Models;

/// <summary>
/// A checkpoint opened for the engine, whatever its file format: its config, its weights bound in
/// their stored type (memory-mapped), and its tokenizer. The engine runs every format through the
/// same memory guard and weight check by way of this interface; a format only says where its
/// bytes and names are. Dispose to release the files.
/// </summary>
public interface IModelCheckpoint : IDisposable
{
    /// <summary>The resolved checkpoint folder, or the full path of a single-file checkpoint (GGUF).</summary>
    string Location { get; }
    LlamaConfig Config { get; }
    LlamaWeights Weights { get; }
    /// <summary>Bytes of the mapped files (what the weights need in memory to run at speed).</summary>
    long MappedBytes { get; }
    IReadOnlyList<string> FilePaths { get; }
    /// <summary>Whether [address, address + bytes) lies inside the checkpoint's read-only file mappings (pages that can be given back and read again).</summary>
    unsafe bool Maps(void* address, long bytes);
    bool HasTokenizer { get; }
    /// <summary>The checkpoint's tokenizer, with BOS/EOS ids from the config where the tokenizer files do not say.</summary>
    ITokenizer LoadTokenizer();
    /// <summary>Reads every stored weight once and throws a <see cref="UserInputException"/> naming the first tensor that holds NaN or infinity.</summary>
    void CheckWeights();
}
