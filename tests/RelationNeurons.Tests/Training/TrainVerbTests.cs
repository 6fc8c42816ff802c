using System.Text.Json;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Data;
using RelationNeurons.Tests.Cli;

namespace RelationNeurons.Tests.Training;

/// <summary>`relneurons train` end to end on a tiny relation set and a tiny model.</summary>
[Collection("Console")]
public class TrainVerbTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
        => CliHarness.InProcess([TrainVerb.Create()], args);

    private static readonly string[] Tiny = ["--steps", "4", "--layers", "1", "--hidden", "32", "--heads", "2", "--kv-heads", "1", "--intermediate", "48", "--vocab", "400", "--batch", "8", "--warmup", "2"];

    [Fact]
    public void TrainWritesAHuggingFaceFolderTheEngineLoads()
    {
        using var dir = new TempDir();
        using var rel = new TempDir();
        SampleRelations.Write(rel, bigFacts: 20);
        string outDir = dir.File("model");
        var (code, stdout, stderr) = Run(["train", "--relations", rel.Path, "--out", outDir, .. Tiny]);
        Assert.True(code == 0, stderr);
        foreach (string f in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "training_summary.json", "recall.json", "training_corpus.jsonl" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        Assert.False(File.Exists(Path.Combine(outDir, "training.ckpt")));
        using var model = LlamaModel.Load(outDir);
        Assert.Equal(32, model.Config.HiddenSize);
        Assert.Equal(400, model.Config.VocabSize);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "training_summary.json")));
        Assert.Equal(4, summary.RootElement.GetProperty("steps").GetInt32());
        Assert.Contains("| country_capital |", stdout);
        Assert.Contains("step 4/4", stderr);
    }

    [Fact]
    public void ResumeContinuesFromTheCheckpoint()
    {
        using var dir = new TempDir();
        using var rel = new TempDir();
        SampleRelations.Write(rel, bigFacts: 20);
        string split = dir.File("split");
        // a run of 2 steps that keeps its checkpoint stands for an interrupted one; --steps 4 --resume finishes it
        string[] firstHalf = [.. Tiny];
        firstHalf[1] = "2";
        Assert.Equal(0, Run(["train", "--relations", rel.Path, "--out", split, "--no-eval", "--keep-checkpoint", .. firstHalf]).Code);
        Assert.True(File.Exists(Path.Combine(split, "training.ckpt")));
        var (code, _, stderr) = Run(["train", "--relations", rel.Path, "--out", split, "--no-eval", "--resume", .. Tiny]);
        Assert.True(code == 0, stderr);
        Assert.Contains("resumed after step 2", stderr);
        Assert.Contains("step 4/4", stderr);
    }

    [Fact]
    public void ResumingAFinishedCheckpointExportsItWithoutALoss()
    {
        using var dir = new TempDir();
        using var rel = new TempDir();
        SampleRelations.Write(rel, bigFacts: 20);
        string outDir = dir.File("model");
        Assert.Equal(0, Run(["train", "--relations", rel.Path, "--out", outDir, "--no-eval", "--keep-checkpoint", .. Tiny]).Code);
        // e.g. exporting a checkpoint of a longer run at the step it reached: nothing left to train
        var (code, _, stderr) = Run(["train", "--relations", rel.Path, "--out", outDir, "--no-eval", "--resume", .. Tiny]);
        Assert.True(code == 0, stderr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "training_summary.json")));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("final_loss").ValueKind);
    }

    [Theory]
    [InlineData("--heads", "3")]
    [InlineData("--dtype", "int8")]
    [InlineData("--lr", "0")]
    [InlineData("--steps", "0")]
    public void BadOptionsAreUserErrors(string option, string value)
    {
        using var dir = new TempDir();
        using var rel = new TempDir();
        SampleRelations.Write(rel, bigFacts: 20);
        var tiny = Tiny.ToList();
        int at = tiny.IndexOf(option);
        if (at >= 0) tiny[at + 1] = value; else tiny.AddRange([option, value]);
        string[] args = ["train", "--relations", rel.Path, "--out", dir.File("m"), .. tiny];
        var (code, _, stderr) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr.Trim());
        Assert.False(Directory.Exists(dir.File("m")), "nothing is written for a bad option");
    }

    [Fact]
    public void MissingRelationsAreAUserError()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = Run(["train", "--relations", dir.File("nowhere"), "--out", dir.File("m"), .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("nowhere", stderr);
    }
}
