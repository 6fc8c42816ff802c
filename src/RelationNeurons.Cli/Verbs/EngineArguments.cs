using System.Globalization;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Cli.Verbs;

/// <summary>Parsing shared by the engine verbs (forward, generate): token id lists and neuron lists.</summary>
internal static class EngineArguments
{
    /// <summary>Parses "1,2,3" (commas and/or spaces) into token ids.</summary>
    public static int[] ParseIds(string text)
    {
        var parts = text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UserInputException("--ids is empty; give token ids such as 1,450,7483");
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
                throw new UserInputException($"--ids: '{parts[i]}' is not a non-negative integer token id");
        return ids;
    }

    /// <summary>The model folder's tokenizer, or null when it has none.</summary>
    public static ITokenizer? TryLoadTokenizer(LlamaModel model) => model.HasTokenizer ? model.LoadTokenizer() : null;

    /// <summary>
    /// The prompt from exactly one of --ids and --text; text is encoded with the model's tokenizer,
    /// BOS prepended as the tokenizer's configuration says.
    /// </summary>
    public static int[] PromptIds(string? ids, string? text, LlamaModel model, ITokenizer? tokenizer)
    {
        if ((ids is null) == (text is null)) throw new UserInputException("give exactly one of --ids and --text");
        if (ids is not null) return ParseIds(ids);
        if (tokenizer is null)
            throw new UserInputException($"{model.Directory}: --text needs {TokenizerLoader.TokenizerJson} or {TokenizerLoader.SentencePieceModelFile} in the model folder; use --ids");
        var encoded = tokenizer.Encode(text!, tokenizer.AddBosByDefault);
        if (encoded.Length == 0) throw new UserInputException("--text encodes to no tokens");
        return encoded;
    }

    /// <summary>All neurons of every --deactivate value (each a comma-separated list).</summary>
    public static IReadOnlyList<NeuronId> ParseNeurons(IEnumerable<string>? values) =>
        values is null ? [] : values.SelectMany(NeuronId.ParseList).ToList();
}
