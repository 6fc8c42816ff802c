using System.Text.Json;
using RelationNeurons.Tokenization.HuggingFace;

namespace RelationNeurons.Tokenization;

/// <summary>The settings of a Hugging Face tokenizer_config.json that decide BOS/EOS.</summary>
internal sealed record TokenizerConfigFile(bool? AddBosToken, string? BosToken, string? EosToken)
{
    /// <summary>clean_up_tokenization_spaces (absent: false, as transformers' fast tokenizers now default).</summary>
    public bool CleanUpTokenizationSpaces { get; init; }

    public const string FileName = "tokenizer_config.json";

    /// <summary>Reads tokenizer_config.json from <paramref name="folder"/>; null when there is none.</summary>
    public static TokenizerConfigFile? TryLoad(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        string text;
        try { text = IO.StrictText.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserInputException($"{path}: cannot read ({e.Message})"); }
        return Parse(text, path);
    }

    public static TokenizerConfigFile Parse(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException e) { throw new UserInputException($"{source}: malformed JSON at line {e.LineNumber + 1}: {e.Message}"); }
        catch (ArgumentException e) { throw new UserInputException($"{source}: not valid text ({e.Message})"); }
        using (doc)
        try
        {
            var j = new JsonFields(source);
            var cfg = doc.RootElement;
            if (cfg.ValueKind != JsonValueKind.Object) throw j.Error("top level is not a JSON object");
            bool? addBos = j.Optional(cfg, "add_bos_token") is null ? null : j.OptionalBool(cfg, "add_bos_token", "tokenizer_config", false);
            return new TokenizerConfigFile(addBos, TokenContent(j, cfg, "bos_token"), TokenContent(j, cfg, "eos_token"))
            {
                CleanUpTokenizationSpaces = j.Optional(cfg, "clean_up_tokenization_spaces") is not null
                                            && j.OptionalBool(cfg, "clean_up_tokenization_spaces", "tokenizer_config", false),
            };
        }
        catch (InvalidOperationException e) { throw new UserInputException($"{source}: holds a string that is not valid text ({e.Message})"); }
    }

    /// <summary>A special token setting: a string, or an AddedToken object with "content".</summary>
    private static string? TokenContent(JsonFields j, JsonElement cfg, string name)
    {
        if (j.Optional(cfg, name) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        if (v.ValueKind == JsonValueKind.Object) return j.OptionalString(v, "content", name);
        throw j.Error($"{name} must be a string or an object with 'content'");
    }
}
