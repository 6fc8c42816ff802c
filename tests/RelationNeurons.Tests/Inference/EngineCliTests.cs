using System.Text.Json;
using RelationNeurons.Tests.Models;
using RelationNeurons.Tests.Cli;

namespace RelationNeurons.Tests.Inference;

/// <summary>The engine verbs run as the real program (a child process), checked on stories260k.</summary>
public sealed class EngineCliTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
        => CliHarness.Process(args);

    [SkippableFact]
    public void ForwardGenerateAndErrors()
    {
        string folder = StoriesFixture.Require();
        var golden = StoriesFixture.GoldenValues;

        var (code, stdout, stderr) = Run("forward", "--model", folder, "--ids", string.Join(",", golden.InputIds),
            "--tap", "blocks.2.mlp.hook_post", "--deactivate", "L4.N1");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var root = doc.RootElement;
            Assert.Equal(golden.InputIds, root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
            var logits = root.GetProperty("logits");
            Assert.Equal(golden.InputIds.Length, logits.GetArrayLength());
            Assert.Equal(512, logits[0].GetArrayLength());
            // Layer 4's ablation cannot change layer 2, so the tap still matches the reference.
            var post = root.GetProperty("taps").GetProperty("blocks.2.mlp.hook_post");
            for (int p = 0; p < golden.InputIds.Length; p++)
                GoldenTests.AssertClose(golden.MlpLayer2[p], post[p].EnumerateArray().Select(e => e.GetSingle()).ToArray(), 1e-4f, $"position {p}");
        }

        (code, stdout, stderr) = Run("generate", "--model", folder, "--ids", "1", "--max-new-tokens", "39");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
            Assert.Equal(golden.GreedyFromBos[..40], doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));

        (code, _, stderr) = Run("forward", "--model", folder, "--ids", "1,2", "--tap", "blocks.1.mlp.hook_mid");
        Assert.Equal(2, code);
        Assert.Contains("unknown hook name 'blocks.1.mlp.hook_mid'", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = Run("generate", "--model", folder, "--ids", "1", "--max-new-tokens", "3", "--deactivate", "L1.N500");
        Assert.Equal(2, code);
        Assert.Contains("L1.N500", stderr);
    }
}
