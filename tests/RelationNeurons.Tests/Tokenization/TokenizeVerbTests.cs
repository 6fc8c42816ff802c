using System.CommandLine;
using System.Text.Json;
using RelationNeurons.Cli;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Tests.Tokenization;

public class TokenizeVerbTests
{
    [SkippableFact]
    public void ResultSerializesAsIdsAndPieces()
    {
        var tok = TokenizerLoader.Load(TokenizerFixtures.RequireLlama2Folder());
        var result = TokenizeVerb.Run(tok, "The capital of France is", addBos: true);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(result, JsonOutput.Options));
        Assert.Equal([1, 450, 7483, 310, 3444, 338], doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["<s>", "▁The", "▁capital", "▁of", "▁France", "▁is"], doc.RootElement.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void TableEscapesControlCharacters()
    {
        string table = TokenizeVerb.FormatTable(new TokenizeVerb.Result([13, 5], ["\n", "a\tb"]));
        Assert.Contains("\\n", table);
        Assert.Contains("a\\tb", table);
        Assert.Contains("2 tokens", table);
    }

    [Fact]
    public void MissingTokenizerIsExitCode2()
    {
        using var folder = new TempFolder();
        var root = new RootCommand { TokenizeVerb.Create() };
        int code = root.Parse(["tokenize", "--model", folder.Path, "--text", "x", "--json"]).Invoke();
        Assert.Equal(CliErrors.UserErrorExitCode, code);
        var e = Assert.Throws<UserInputException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Contains(folder.Path, e.Message);
        Assert.Contains("tokenizer.json", e.Message);
    }

    [Fact]
    public void LoaderPrefersTokenizerJsonAndAcceptsFilePaths()
    {
        using var folder = new TempFolder();
        var model = RelationNeurons.Tokenization.Training.BpeTrainer.Train(TrainingCorpus.Sentences(), 500);
        RelationNeurons.Tokenization.SentencePiece.SentencePieceModelWriter.Write(model, folder.File("tokenizer.model"));
        Assert.IsType<RelationNeurons.Tokenization.SentencePiece.SentencePieceTokenizer>(TokenizerLoader.Load(folder.Path));
        RelationNeurons.Tokenization.Training.SentencePieceStyleTokenizerWriter.Write(model, folder.Path);
        Assert.IsType<RelationNeurons.Tokenization.HuggingFace.HfTokenizer>(TokenizerLoader.Load(folder.Path));
        Assert.IsType<RelationNeurons.Tokenization.SentencePiece.SentencePieceTokenizer>(TokenizerLoader.Load(folder.File("tokenizer.model")));
        // tokenizer_config.json's add_bos_token applies to the SentencePiece path too, and EOS fallbacks are appended.
        File.WriteAllText(folder.File("tokenizer_config.json"), """{"add_bos_token": false}""");
        var sp = TokenizerLoader.Load(folder.File("tokenizer.model"), eosIds: [2, 7]);
        Assert.False(sp.AddBosByDefault);
        Assert.Equal([2, 7], sp.EosIds);
    }
}
