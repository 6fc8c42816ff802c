using System.Text.Json;
using RelationNeurons.Analysis;
using RelationNeurons.Data;
using RelationNeurons.Tests.Models;
using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.Training;

namespace RelationNeurons.Tests.Analysis;

/// <summary>`record` end to end: stories260k's weights with a small tokenizer trained here (the fixture has none).</summary>
[Collection("Console")]
public sealed class RecordVerbTests
{
    private static Prompt MakePrompt(string relation, string language, int fact, string subject, string obj) => new()
    {
        Relation = relation, Language = language, FactId = $"{relation}-{fact}", TemplateIndex = 0, Template = "{} is",
        Subject = subject, Object = obj, Text = $"{subject} is", Answers = [obj], Split = PromptSplit.Identification,
    };

    [SkippableFact]
    public void RecordsPromptsFileThenExpertiseRuns()
    {
        string fixture = StoriesFixture.Require();
        using var tmp = new TempDirectory();
        string modelDir = tmp["model"];
        Directory.CreateDirectory(modelDir);
        File.Copy(Path.Combine(fixture, "config.json"), Path.Combine(modelDir, "config.json"));
        File.Copy(Path.Combine(fixture, "model.safetensors"), Path.Combine(modelDir, "model.safetensors"));
        string[] subjects = ["Paris", "Berlin", "Rome", "Madrid", "Lisbon", "Vienna"];
        var prompts = subjects.SelectMany((s, i) => new[]
        {
            MakePrompt("capital", "en", i, $"The capital of {s}", s),
            MakePrompt("ceo", "en", i, $"The boss of {s} Corp", s),
        }).ToList();
        // 259 reserved pieces + merges + characters stay under the model's 512 ids.
        var vocab = BpeTrainer.Train(prompts.Select(p => p.Text), 320);
        SentencePieceStyleTokenizerWriter.Write(vocab, modelDir);
        Assert.True(TokenizerLoader.Load(modelDir).VocabSize <= 512);
        PromptFile.Write(tmp["identification.jsonl"], prompts);

        var (code, stdout, stderr) = AnalysisVerbsTests.Run("record", "--model", modelDir, "--prompts", tmp.Path, "--out", tmp["rec"],
            "--units", "mlp", "--batch", "5", "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(12, doc.RootElement.GetProperty("prompts").GetInt32());
            Assert.Equal(5 * 172, doc.RootElement.GetProperty("units_total").GetInt64());
            Assert.Equal("mean", doc.RootElement.GetProperty("pooling").GetString());
        }
        var record = RecordFolder.Open(tmp["rec"]);
        Assert.Equal(prompts.Select(p => p.FactId), record.Labels.All.Select(l => l.FactId));
        Assert.Equal(prompts[3].Text, record.Labels[3].Text);

        (code, _, stderr) = AnalysisVerbsTests.Run("expertise", "--record", tmp["rec"], "--out", tmp["exp"]);
        Assert.True(code == 0, stderr);

        (code, _, stderr) = AnalysisVerbsTests.Run("record", "--model", modelDir, "--prompts", tmp.Path, "--out", tmp["rec2"], "--pooling", "median");
        Assert.Equal(2, code);
        Assert.Contains("--pooling 'median'", stderr);
    }
}
