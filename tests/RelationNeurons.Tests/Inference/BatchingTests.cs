using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference;

/// <summary>Batched runs give bit-identical results to one-by-one runs; KV-cache decoding equals full recompute.</summary>
public sealed class BatchingTests
{
    private static readonly int[][] Prompts = StoriesFixture.MixedPrompts;

    private static readonly HookPoint Post1 = new(1, TapKind.MlpPost);
    private static readonly HookPoint Q3 = new(3, TapKind.Q);

    [SkippableTheory]
    [InlineData(2048)]
    [InlineData(9)] // forces several steps, one prompt of 12 tokens alone
    public void BatchedForwardEqualsOneByOne(int maxBatchTokens)
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = maxBatchTokens });
        var post = new ActivationCapture();
        var q = new ActivationCapture();
        var batched = model.Forward(Prompts, new HookSet().AddReader(Post1, post).AddReader(Q3, q), LogitsSelection.AllPositions);
        var last = model.Forward(Prompts);

        for (int i = 0; i < Prompts.Length; i++)
        {
            var alonePost = new ActivationCapture();
            var aloneQ = new ActivationCapture();
            var alone = model.Forward(Prompts[i], new HookSet().AddReader(Post1, alonePost).AddReader(Q3, aloneQ), LogitsSelection.AllPositions);
            Assert.Equal(alone.Logits(0), batched.Logits(i));
            Assert.Equal(alone.LastLogits(0).ToArray(), last.LastLogits(i).ToArray());
            Assert.Equal(alonePost.Get(0), post.Get(i));
            Assert.Equal(aloneQ.Get(0), q.Get(i));
        }
    }

    [SkippableFact]
    public void BatchedGenerationEqualsOneByOneWithAndWithoutAblation()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var ablation = new HookSet().Deactivate(NeuronId.ParseList("L1.N3,L1.N40,L2.N7,L4.N100"));
        foreach (var hooks in new[] { null, ablation })
        {
            var batched = model.Generate(Prompts, 12, hooks);
            for (int i = 0; i < Prompts.Length; i++)
                Assert.Equal(model.Generate(Prompts[i], 12, hooks).NewIds, batched[i].NewIds);
        }
        // The ablation changes at least one continuation, so the comparison above covers writers.
        var plain = model.Generate(Prompts, 12);
        var ablated = model.Generate(Prompts, 12, ablation);
        Assert.Contains(Enumerable.Range(0, Prompts.Length), i => !plain[i].NewIds.SequenceEqual(ablated[i].NewIds));
    }

    [SkippableFact]
    public void GenerationSplitIntoGroupsReusesTheCacheAndGivesTheSameIds()
    {
        string folder = StoriesFixture.Require();
        using var whole = LlamaModel.Load(folder);
        using var split = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = 9, MaxKvCacheBytes = 1 });
        var expected = whole.Generate(Prompts, 6);
        var actual = split.Generate(Prompts, 6);
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(expected[i].NewIds, actual[i].NewIds);
    }

    [SkippableFact]
    public void KvCacheDecodingEqualsFullRecompute()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var lastLayer = new HookPoint(model.Config.NumHiddenLayers - 1, TapKind.ResidPost);
        var duringGeneration = new ActivationCapture();
        var results = model.Generate(Prompts, 10, new HookSet().AddReader(lastLayer, duringGeneration));
        for (int i = 0; i < Prompts.Length; i++)
        {
            var all = results[i].AllIds;
            // The final token is never fed back, so the cache saw all ids but the last.
            var recompute = new ActivationCapture();
            var full = model.Forward(all[..^1], new HookSet().AddReader(lastLayer, recompute), LogitsSelection.AllPositions);
            Assert.Equal(recompute.Get(0), duringGeneration.Get(i));
            for (int p = Prompts[i].Length - 1; p < all.Length - 1; p++)
                Assert.Equal(all[p + 1], GenerationGroup.ArgMax(full.LogitsAt(0, p)));
        }
    }

    [SkippableFact]
    public void StopPredicateAndEosEndSequencesEarly()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var free = model.Generate(Prompts, 10);
        // Stop each sequence once it has produced 3 tokens, except sequence 1 which runs on.
        var stopped = model.Generate(Prompts, 10, stop: (seq, ids) => seq != 1 && ids.Length == 3);
        for (int i = 0; i < Prompts.Length; i++)
        {
            int expected = i == 1 ? free[i].NewIds.Length : 3;
            Assert.Equal(free[i].NewIds[..expected], stopped[i].NewIds);
            Assert.Equal(i == 1 ? StopReason.TokenBudget : StopReason.Predicate, stopped[i].Reason);
        }

        // Declare the third greedy token of BOS (401) an EOS id: generation stops right there.
        using var tmp = new TempFolder();
        string config = File.ReadAllText(Path.Combine(folder, "config.json")).Replace("\"eos_token_id\": 2", "\"eos_token_id\": [2, 401]");
        File.WriteAllText(Path.Combine(tmp.Path, "config.json"), config);
        File.Copy(Path.Combine(folder, "model.safetensors"), Path.Combine(tmp.Path, "model.safetensors"));
        using var eosModel = LlamaModel.Load(tmp.Path);
        var r = eosModel.Generate([1], 20);
        Assert.Equal(StopReason.Eos, r.Reason);
        Assert.Equal(new[] { 461, 461, 401 }, r.NewIds);
        Assert.Equal(20, eosModel.Generate([1], 20, stopAtEos: false).NewIds.Length);
    }
}
