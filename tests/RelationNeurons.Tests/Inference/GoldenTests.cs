using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference;

/// <summary>The engine against stories260k's golden.json (llama2.c greedy ids, PyTorch float32 logits).</summary>
public sealed class GoldenTests
{
    private const float Tolerance = 1e-4f;

    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0; int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = MathF.Abs(expected[i] - actual[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: max |diff| {worst} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)})");
    }

    [SkippableFact]
    public void GreedyFromBosMatchesLlama2c()
    {
        string folder = StoriesFixture.Require();
        var golden = StoriesFixture.GoldenValues;
        using var model = LlamaModel.Load(folder);
        var result = model.Generate([1], golden.GreedyFromBos.Length - 1);
        Assert.Equal(golden.GreedyFromBos, result.AllIds);
        Assert.Equal(StopReason.TokenBudget, result.Reason);
        // The form: 39 new tokens reproduce the golden prefix.
        Assert.Equal(golden.GreedyFromBos[..40], model.Generate([1], 39).AllIds);
    }

    [SkippableFact]
    public void LogitsMatchReferenceAtEveryPosition()
    {
        string folder = StoriesFixture.Require();
        var golden = StoriesFixture.GoldenValues;
        using var model = LlamaModel.Load(folder);
        var result = model.Forward(golden.InputIds, logits: LogitsSelection.AllPositions);
        for (int p = 0; p < golden.InputIds.Length; p++)
            AssertClose(golden.Logits[p], result.LogitsAt(0, p), Tolerance, $"position {p}");
        AssertClose(golden.Logits[^1], result.LastLogits(0), Tolerance, "last");
    }

    [SkippableFact]
    public void MlpPostOfLayer2MatchesReference()
    {
        string folder = StoriesFixture.Require();
        var golden = StoriesFixture.GoldenValues;
        using var model = LlamaModel.Load(folder);
        var capture = new ActivationCapture();
        model.Forward(golden.InputIds, new HookSet().AddReader(HookPoint.Parse("blocks.2.mlp.hook_post"), capture), LogitsSelection.None);
        Assert.Equal(golden.InputIds.Length, capture.Positions(0));
        for (int p = 0; p < golden.InputIds.Length; p++)
            AssertClose(golden.MlpLayer2[p], capture.Row(0, p), Tolerance, $"position {p}");
    }

    [SkippableFact]
    public void AblationMatchesReference()
    {
        string folder = StoriesFixture.Require();
        var golden = StoriesFixture.GoldenValues;
        using var model = LlamaModel.Load(folder);
        var neurons = golden.AblationNeurons.SelectMany(p => p.Value.Select(i => new NeuronId(new HookPoint(p.Key, TapKind.MlpPost), i)));
        var hooks = new HookSet().Deactivate(neurons);
        var ablated = model.Forward(golden.InputIds, hooks);
        AssertClose(golden.AblationLastLogits, ablated.LastLogits(0), Tolerance, "ablated last position");
        // The ablation must actually change something, or the test could not fail.
        var plain = model.Forward(golden.InputIds);
        Assert.NotEqual(plain.LastLogits(0).ToArray(), ablated.LastLogits(0).ToArray());
    }
}
