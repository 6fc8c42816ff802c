using RelationNeurons.Analysis;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference.Families;

/// <summary>
/// Every family (Llama, Mistral, Qwen2, Qwen3, Gemma, Gemma 2) on a small checkpoint the test
/// writes: logits and taps against <see cref="ReferenceDecoder"/> (scalar, float64, from the HF
/// modeling code) within 1e-4; storage types and shards; batched equals one-by-one; generation
/// equal to the reference's greedy continuation; deactivation as the reference zeroes the units.
/// </summary>
public sealed class FamilyModelTests
{
    private const double Tolerance = 1e-4;

    private static readonly string[] TapNames =
    [
        "hook_resid_pre", "attn.hook_q", "attn.hook_k", "attn.hook_v", "hook_attn_out", "hook_resid_mid",
        "mlp.hook_pre", "mlp.hook_pre_linear", "mlp.hook_post", "hook_mlp_out", "hook_resid_post",
    ];

    internal static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Theory]
    [MemberData(nameof(FamilyCase.All), MemberType = typeof(FamilyCase))]
    public void LogitsAndEveryTapMatchTheReference(string family)
    {
        var c = FamilyCase.Create(family);
        using var tmp = new TempFolder();
        using var model = LlamaModel.Load(c.Write(tmp.Path));
        var reference = new ReferenceDecoder(c.Spec, c.Values());
        var hooks = new HookSet();
        var captures = new Dictionary<string, ActivationCapture>();
        for (int l = 0; l < c.Spec.Layers; l++)
            foreach (string tap in TapNames)
            {
                string name = $"blocks.{l}.{tap}";
                hooks.AddReader(HookPoint.Parse(name), captures[name] = new ActivationCapture());
            }
        var prompts = c.Prompts();
        var result = model.Forward(prompts, hooks, LogitsSelection.AllPositions);
        for (int i = 0; i < prompts.Length; i++)
        {
            var expected = reference.Forward(prompts[i]);
            for (int p = 0; p < prompts[i].Length; p++)
            {
                AssertClose(expected.Logits[p], result.LogitsAt(i, p), Tolerance, $"{family} prompt {i} position {p} logits");
                foreach (var (name, capture) in captures)
                    AssertClose(expected.Taps[name][p], capture.Row(i, p), Tolerance, $"{family} prompt {i} position {p} {name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FamilyCase.All), MemberType = typeof(FamilyCase))]
    public void HalfPrecisionStorageAndShardsMatchTheReference(string family)
    {
        var c = FamilyCase.Create(family);
        using var tmp = new TempFolder();
        var prompt = c.Prompts()[0];
        foreach (var (dtype, shards) in new[] { (SafetensorsDtype.BF16, 1), (SafetensorsDtype.F16, 3) })
        {
            using var model = LlamaModel.Load(c.Write(Path.Combine(tmp.Path, $"{dtype}-{shards}"), dtype, shards));
            Assert.Equal(dtype.ToString(), model.Weights.StorageDtype);
            var expected = new ReferenceDecoder(c.Spec, c.Values(dtype)).Forward(prompt);
            var actual = model.Forward(prompt, null, LogitsSelection.AllPositions);
            for (int p = 0; p < prompt.Length; p++)
                AssertClose(expected.Logits[p], actual.LogitsAt(0, p), Tolerance, $"{family} {dtype} position {p}");
        }
        // Sharded F32 gives the single file's logits bit for bit.
        using var single = LlamaModel.Load(c.Write(Path.Combine(tmp.Path, "single")));
        using var sharded = LlamaModel.Load(c.Write(Path.Combine(tmp.Path, "sharded"), shards: 2));
        Assert.Equal(single.Forward(prompt, null, LogitsSelection.AllPositions).Logits(0), sharded.Forward(prompt, null, LogitsSelection.AllPositions).Logits(0));
    }

    [Theory]
    [MemberData(nameof(FamilyCase.All), MemberType = typeof(FamilyCase))]
    public void BatchedEqualsOneByOneAndGenerationFollowsTheReference(string family)
    {
        var c = FamilyCase.Create(family);
        using var tmp = new TempFolder();
        string folder = c.Write(tmp.Path);
        var prompts = c.Prompts();
        var post = new HookPoint(1, TapKind.MlpPost);
        var q = new HookPoint(0, TapKind.Q);
        foreach (int budget in new[] { 2048, 9 })
        {
            using var model = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = budget });
            var capPost = new ActivationCapture();
            var capQ = new ActivationCapture();
            var batched = model.Forward(prompts, new HookSet().AddReader(post, capPost).AddReader(q, capQ), LogitsSelection.AllPositions);
            for (int i = 0; i < prompts.Length; i++)
            {
                var alonePost = new ActivationCapture();
                var aloneQ = new ActivationCapture();
                var alone = model.Forward(prompts[i], new HookSet().AddReader(post, alonePost).AddReader(q, aloneQ), LogitsSelection.AllPositions);
                Assert.Equal(alone.Logits(0), batched.Logits(i));
                Assert.Equal(alonePost.Get(0), capPost.Get(i));
                Assert.Equal(aloneQ.Get(0), capQ.Get(i));
            }
        }

        using var m = LlamaModel.Load(folder);
        var reference = new ReferenceDecoder(c.Spec, c.Values());
        var ablation = new HookSet().Deactivate(NeuronId.ParseList("L0.N3,L1.N5,L1.N11"));
        foreach (var hooks in new[] { null, ablation })
        {
            var generated = m.Generate(prompts, 6, hooks, stopAtEos: false);
            for (int i = 0; i < prompts.Length; i++)
                Assert.Equal(m.Generate(prompts[i], 6, hooks, stopAtEos: false).NewIds, generated[i].NewIds);
        }
        // The KV-cache decode (windows included) continues as the reference recomputing everything.
        var plain = m.Generate(prompts, 6, stopAtEos: false);
        for (int i = 0; i < prompts.Length; i++)
            Assert.Equal(reference.Greedy(prompts[i], 6), plain[i].NewIds);
    }

    [Theory]
    [MemberData(nameof(FamilyCase.All), MemberType = typeof(FamilyCase))]
    public void DeactivationMatchesTheReferenceWithThoseUnitsZeroed(string family)
    {
        var c = FamilyCase.Create(family);
        using var tmp = new TempFolder();
        using var model = LlamaModel.Load(c.Write(tmp.Path));
        var units = new Dictionary<int, int[]> { [0] = [1, 4, 9], [1] = [0, 7, 30] };
        var hooks = new HookSet().Deactivate(units.SelectMany(u => u.Value.Select(n => new NeuronId(new HookPoint(u.Key, TapKind.MlpPost), n))));
        var reference = new ReferenceDecoder(c.Spec, c.Values()) { ZeroedPost = units };
        var clean = new ReferenceDecoder(c.Spec, c.Values());
        var prompt = c.Prompts()[0];
        var expected = reference.Forward(prompt);
        var actual = model.Forward(prompt, hooks, LogitsSelection.AllPositions);
        double changed = 0;
        for (int p = 0; p < prompt.Length; p++)
        {
            AssertClose(expected.Logits[p], actual.LogitsAt(0, p), Tolerance, $"{family} deactivated, position {p}");
            var cleanLogits = clean.Forward(prompt).Logits[p];
            for (int t = 0; t < cleanLogits.Length; t++) changed = Math.Max(changed, Math.Abs(cleanLogits[t] - expected.Logits[p][t]));
        }
        Assert.True(changed > 1e-3, "the deactivation changes the logits");
    }

    [Theory]
    [MemberData(nameof(FamilyCase.All), MemberType = typeof(FamilyCase))]
    public void PrefixCacheSharedPrefixesAndLayerStreamingGiveTheFullPassesResults(string family)
    {
        var c = FamilyCase.Create(family);
        using var tmp = new TempFolder();
        string folder = c.Write(tmp.Path);
        using var model = LlamaModel.Load(folder);
        var prompts = c.Prompts();

        // Resumed from a clean run's prefix cache: at the MLP activations, after attention, before the block.
        var prefix = model.BuildPrefixCache(prompts, maxNewTokens: 5, stopAtEos: false);
        foreach (string units in new[] { "L1.N2,L1.N9", "blocks.1.mlp.hook_pre[4]", "blocks.1.attn.hook_q[3]", "blocks.0.hook_mlp_out[5]" })
        {
            var hooks = new HookSet().Deactivate(NeuronId.ParseList(units));
            var full = model.Generate(prompts, 5, hooks, stopAtEos: false);
            var resumed = model.Generate(prompts, 5, hooks, stopAtEos: false, prefix: prefix);
            var fullLogits = model.Forward(prompts, hooks, LogitsSelection.AllPositions);
            var resumedLogits = model.Forward(prompts, hooks, LogitsSelection.AllPositions, prefix);
            for (int i = 0; i < prompts.Length; i++)
            {
                Assert.Equal(full[i].NewIds, resumed[i].NewIds);
                Assert.Equal(fullLogits.Logits(i), resumedLogits.Logits(i));
            }
        }

        // A common prefix run once per step: the recorder's pooled hook_post bit for bit as without.
        int v = c.Spec.Vocab;
        int[][] sharing = [.. Enumerable.Range(0, 5).Select(i => new[] { 1, 5 % v, 9 % v, 14 % v }.Concat(Enumerable.Range(0, 2 + i).Select(j => (3 + 7 * i + 5 * j) % v)).ToArray())];
        using var unshared = LlamaModel.Load(folder, new EngineOptions { SharePromptPrefixes = false });
        float[][] Pooled(LlamaModel m)
        {
            var hooks = new HookSet();
            var readers = new PoolingReader[c.Spec.Layers];
            for (int l = 0; l < readers.Length; l++)
            {
                readers[l] = new PoolingReader(Pooling.Mean, c.Spec.Intermediate);
                readers[l].Reset(sharing.Length, sharing.Select(p => p[0] == 1).ToArray());
                hooks.AddReader(new HookPoint(l, TapKind.MlpPost), readers[l]);
            }
            m.Forward(sharing, hooks, LogitsSelection.None);
            return readers.Select(r => r.Output.ToArray()).ToArray();
        }
        Assert.Equal(Pooled(unshared), Pooled(model));

        // Layer by layer over the whole prompt set, as record --stream-layers runs it.
        var stream = new LayerStream(model);
        int h = c.Spec.Hidden;
        var hidden = new float[LayerStream.Rows(prompts) * h];
        stream.Embed(prompts, hidden);
        var last = new HookPoint(c.Spec.Layers - 1, TapKind.ResidPost);
        var streamed = new ActivationCapture();
        for (int l = 0; l < c.Spec.Layers; l++)
            stream.RunLayer(l, prompts, hidden, l == last.Layer ? new HookSet().AddReader(last, streamed) : null);
        var direct = new ActivationCapture();
        model.Forward(prompts, new HookSet().AddReader(last, direct), LogitsSelection.None);
        for (int i = 0; i < prompts.Length; i++) Assert.Equal(direct.Get(i), streamed.Get(i));
    }
}
