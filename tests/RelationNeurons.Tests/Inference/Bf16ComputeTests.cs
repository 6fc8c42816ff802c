using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tests.Cli;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference;

/// <summary>The engine with <c>--compute bf16</c>: close to float32, batch-independent, both kernels, the CLI option.</summary>
public sealed class Bf16ComputeTests
{
    private static readonly HookPoint Post1 = new(1, TapKind.MlpPost);

    private static float MaxAbs(ReadOnlySpan<float> a) { float m = 0; foreach (var v in a) m = Math.Max(m, Math.Abs(v)); return m; }

    [SkippableFact]
    public void LogitsStayCloseToFloat32AndBatchedEqualsOneByOne()
    {
        string folder = StoriesFixture.Require(); // F32 weights: rounded to bfloat16 once, at first use
        using var f32 = LlamaModel.Load(folder);
        using var bf16 = LlamaModel.Load(folder, new EngineOptions { Compute = ComputePrecision.Bf16 });
        var prompts = StoriesFixture.MixedPrompts;
        var exact = f32.Forward(prompts);
        var post = new ActivationCapture();
        var batched = bf16.Forward(prompts, new HookSet().AddReader(Post1, post), LogitsSelection.LastPosition);
        for (int i = 0; i < prompts.Length; i++)
        {
            var e = exact.LastLogits(i);
            var b = batched.LastLogits(i);
            float scale = MaxAbs(e), worst = 0;
            for (int v = 0; v < e.Length; v++) worst = Math.Max(worst, Math.Abs(e[v] - b[v]));
            // bfloat16 keeps 8 significant bits: a few percent of the logits' range, never more.
            Assert.True(worst < 0.05f * scale, $"prompt {i}: max |bf16 − f32| = {worst} against max |logit| {scale}");
            Assert.True(worst > 0, "bf16 gave float32's logits bit for bit: the option did not reach the products");
            var alonePost = new ActivationCapture();
            var alone = bf16.Forward(prompts[i], new HookSet().AddReader(Post1, alonePost), LogitsSelection.LastPosition);
            Assert.Equal(alone.LastLogits(0).ToArray(), b.ToArray());
            Assert.Equal(alonePost.Get(0), post.Get(i));
        }
    }

    [SkippableFact]
    public unsafe void PackedCopiesGiveTheSamePassesAfterTheMappedPagesGoBack()
    {
        string folder = StoriesFixture.Require();
        Skip.IfNot(CpuFeatures.HasAvx512Bf16, "this CPU has no AVX512_BF16: no packed copies here");
        using (var checkpoint = CheckpointLoader.Open(folder))
        {
            var q = checkpoint.Weights.Layers[0].Q;
            Assert.True(checkpoint.Maps(q.Data, (long)q.Rows * q.RowBytes));
            var elsewhere = new float[16];
            fixed (float* p = elsewhere) Assert.False(checkpoint.Maps(p, 64));
            Assert.False(checkpoint.Maps(q.Data, checkpoint.MappedBytes + 1)); // runs past the mapping
        }
        using var model = LlamaModel.Load(folder, new EngineOptions { Compute = ComputePrecision.Bf16 });
        var prompts = StoriesFixture.MixedPrompts;
        var first = model.Forward(prompts);   // packs every matrix, then gives its pages back
        Assert.True(model.Pass.Products.PackedBytes > 0);
        var second = model.Forward(prompts);  // the embedding's rows are read again from the page cache
        for (int i = 0; i < prompts.Length; i++) Assert.Equal(first.LastLogits(i).ToArray(), second.LastLogits(i).ToArray());
    }

    [SkippableFact]
    public void TheWideningFallbackGivesTheSameGreedyTokens()
    {
        string folder = StoriesFixture.Require();
        using var emitted = LlamaModel.Load(folder, new EngineOptions { Compute = ComputePrecision.Bf16 });
        using var widening = LlamaModel.Load(folder, new EngineOptions { Compute = ComputePrecision.Bf16, Bf16Kernel = Bf16Kernel.Widening });
        var a = emitted.Generate(StoriesFixture.MixedPrompts, maxNewTokens: 6);
        var b = widening.Generate(StoriesFixture.MixedPrompts, maxNewTokens: 6);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i].NewIds, b[i].NewIds);
    }

    [SkippableFact]
    public void CliTakesComputeAndRefusesUnknownValues()
    {
        string folder = StoriesFixture.Require();
        var (code, stdout, stderr) = CliHarness.Process("generate", "--model", folder, "--ids", "1", "--max-new-tokens", "4", "--compute", "bf16");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"new_ids\"", stdout);
        Assert.Equal(CpuFeatures.HasAvx512Bf16, !stderr.Contains("no AVX512_BF16"));

        (code, _, stderr) = CliHarness.Process("forward", "--model", folder, "--ids", "1,2", "--compute", "fp8");
        Assert.Equal(2, code);
        Assert.Contains("unknown value 'fp8'; accepted: f32, bf16", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
