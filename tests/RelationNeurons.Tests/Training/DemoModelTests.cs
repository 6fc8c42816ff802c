using RelationNeurons.Data;
using RelationNeurons.Inference;
using RelationNeurons.Tokenization;
using RelationNeurons.Training;

namespace RelationNeurons.Tests.Training;

/// <summary>
/// The shipped demo model, loaded by the engine as any checkpoint, still knows its facts: a broken
/// export, tokenizer or loader fails here. A fixed sample (the first test facts of every relation)
/// keeps it to seconds.
/// </summary>
public class DemoModelTests
{
    private const int FactsPerRelation = 4;

    private static string DemoFolder() =>
        Path.Combine(BuiltInPaths.FindModels() ?? throw new InvalidOperationException("models/ folder not found above the test directory"), "relfacts-demo");

    [Fact]
    public void DemoModelIsSmallAndInHuggingFaceLayout()
    {
        string dir = DemoFolder();
        foreach (string f in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "README.md" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing in {dir}");
        long bytes = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes <= 16L * 1024 * 1024, $"demo model takes {bytes} bytes, more than 16 MiB");
    }

    [Fact]
    public void DemoModelRecallsItsTestFacts()
    {
        string dir = DemoFolder();
        using var model = LlamaModel.Load(dir);
        var tokenizer = TokenizerLoader.Load(dir, model.Config.BosTokenId, model.Config.EosTokenIds);
        var relations = RelationReader.Load(BuiltInPaths.RequireRelations());
        var byLanguage = RecallEvaluator.ByLanguage(RecallEvaluator.Evaluate(model, tokenizer, relations, maxFactsPerRelation: FactsPerRelation));
        Assert.Equal(["de", "en", "es", "fr"], byLanguage.Keys.Order());
        foreach (var (language, score) in byLanguage)
        {
            double required = language == "en" ? 0.90 : 0.80;
            Assert.True(score.Recall >= required, $"{language}: recall {score.Correct}/{score.Total} = {score.Recall:P1}, required {required:P0}");
        }
    }
}
