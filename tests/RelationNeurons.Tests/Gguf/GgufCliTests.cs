using System.Text.Json;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Models;
using RelationNeurons.Tests.Cli;

namespace RelationNeurons.Tests.Gguf;

/// <summary>`export-gguf` and `--model file.gguf` through the real program (a child process).</summary>
public sealed class GgufCliTests : IDisposable
{
    private readonly string _dir = GgufTestModels.TempFolder("cli");

    public void Dispose() => GgufTestModels.Delete(_dir);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
        => CliHarness.Process(args);

    [SkippableFact]
    public void StoriesExportedAndUsedThroughTheVerbs()
    {
        string folder = StoriesFixture.Require();
        var golden = StoriesFixture.GoldenValues;
        string f32 = Path.Combine(_dir, "s-f32.gguf"), q8 = Path.Combine(_dir, "s-q8.gguf");

        var (code, stdout, stderr) = Run("export-gguf", "--model", folder, "--out", f32);
        Assert.True(code == 0, stderr);
        (code, stdout, stderr) = Run("export-gguf", "--model", folder, "--out", q8, "--type", "q8_0");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal("q8_0", doc.RootElement.GetProperty("type").GetString());
            Assert.Equal(5, doc.RootElement.GetProperty("f16_fallback").GetArrayLength());
        }

        (code, stdout, stderr) = Run("info", "--model", q8, "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
            Assert.Equal("mixed", doc.RootElement.GetProperty("storage_dtype").GetString());

        (code, stdout, stderr) = Run("forward", "--model", f32, "--ids", string.Join(",", golden.InputIds), "--tap", "blocks.2.mlp.hook_post");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var root = doc.RootElement;
            for (int p = 0; p < golden.InputIds.Length; p++)
            {
                Inference.GoldenTests.AssertClose(golden.Logits[p], root.GetProperty("logits")[p].EnumerateArray().Select(e => e.GetSingle()).ToArray(), 1e-4f, $"logits {p}");
                Inference.GoldenTests.AssertClose(golden.MlpLayer2[p], root.GetProperty("taps").GetProperty("blocks.2.mlp.hook_post")[p].EnumerateArray().Select(e => e.GetSingle()).ToArray(), 1e-4f, $"hook_post {p}");
            }
        }

        (code, stdout, stderr) = Run("generate", "--model", f32, "--ids", "1", "--max-new-tokens", "39");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
            Assert.Equal(golden.GreedyFromBos[..40], doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));

        (code, _, stderr) = Run("export-gguf", "--model", folder, "--out", Path.Combine(_dir, "x.gguf"), "--type", "q4_k");
        Assert.Equal(2, code);
        Assert.Contains("--type 'q4_k'", stderr);
    }

    [Fact]
    public void HostileFileExitsWithCodeTwo()
    {
        string bad = Path.Combine(_dir, "bad.gguf");
        File.WriteAllBytes(bad, [.. "GGUF"u8, 3, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
        var (code, _, stderr) = Run("info", "--model", bad);
        Assert.Equal(2, code);
        Assert.Contains("tensor count", stderr);
        Assert.DoesNotContain("   at ", stderr);

        File.WriteAllBytes(bad, new byte[64]);
        (code, _, stderr) = Run("forward", "--model", bad, "--ids", "1");
        Assert.Equal(2, code);
        Assert.Contains("bad magic", stderr);
    }

    [Fact]
    public void TextVerbsUseTheTokenizerInsideTheFile()
    {
        string hf = Path.Combine(_dir, "hf");
        Directory.CreateDirectory(hf);
        GgufTestModels.WriteRandomWithTokenizer(hf, tied: false, SafetensorsDtype.F32, seed: 11);
        string gguf = Path.Combine(_dir, "m.gguf");
        var (code, _, stderr) = Run("export-gguf", "--model", hf, "--out", gguf);
        Assert.True(code == 0, stderr);
        const string text = "The capital of France is";

        string[] Field(string s, string name) =>
            JsonDocument.Parse(s).RootElement.GetProperty(name).EnumerateArray().Select(e => e.ToString()).ToArray();
        var (c1, s1, e1) = Run("tokenize", "--model", hf, "--text", text, "--bos", "--json");
        var (c2, s2, e2) = Run("tokenize", "--model", gguf, "--text", text, "--bos", "--json");
        Assert.True(c1 == 0 && c2 == 0, e1 + e2);
        Assert.Equal(Field(s1, "ids"), Field(s2, "ids"));
        Assert.Equal(Field(s1, "pieces"), Field(s2, "pieces"));

        (c1, s1, e1) = Run("generate", "--model", hf, "--text", text, "--max-new-tokens", "5");
        (c2, s2, e2) = Run("generate", "--model", gguf, "--text", text, "--max-new-tokens", "5");
        Assert.True(c1 == 0 && c2 == 0, e1 + e2);
        using var d1 = JsonDocument.Parse(s1);
        using var d2 = JsonDocument.Parse(s2);
        Assert.Equal(Field(s1, "ids"), Field(s2, "ids"));
        Assert.Equal(d1.RootElement.GetProperty("text").GetString(), d2.RootElement.GetProperty("text").GetString());
    }
}
