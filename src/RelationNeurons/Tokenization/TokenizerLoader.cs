using RelationNeurons.Tokenization.HuggingFace;
using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Tokenization;

/// <summary>Finds and loads the tokenizer of a model folder.</summary>
public static class TokenizerLoader
{
    public const string TokenizerJson = "tokenizer.json";
    public const string SentencePieceModelFile = "tokenizer.model";

    /// <summary>
    /// Loads <c>tokenizer.json</c> when the folder has one (it carries the added tokens and
    /// post-processor), else <c>tokenizer.model</c>. A path to either file also works (a GGUF file's
    /// tokenizer comes through the checkpoint loader, which knows the format).
    /// <paramref name="bosId"/> and <paramref name="eosIds"/> (e.g. from config.json) are used
    /// where the tokenizer files do not say.
    /// </summary>
    public static ITokenizer Load(string folder, int? bosId = null, IReadOnlyList<int>? eosIds = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (File.Exists(folder))
        {
            string name = Path.GetFileName(folder);
            string dir = Path.GetDirectoryName(Path.GetFullPath(folder))!;
            if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return HfTokenizerJsonReader.Load(folder, bosId, eosIds);
            return SentencePieceTokenizer.Load(folder, bosId, eosIds, TokenizerConfigFile.TryLoad(dir)?.AddBosToken);
        }
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: no such folder");
        string json = Path.Combine(folder, TokenizerJson);
        if (File.Exists(json)) return HfTokenizerJsonReader.Load(json, bosId, eosIds);
        string model = Path.Combine(folder, SentencePieceModelFile);
        if (File.Exists(model)) return SentencePieceTokenizer.Load(model, bosId, eosIds, TokenizerConfigFile.TryLoad(folder)?.AddBosToken);
        throw new UserInputException($"{folder}: no tokenizer found (expected {TokenizerJson} or {SentencePieceModelFile})");
    }
}
