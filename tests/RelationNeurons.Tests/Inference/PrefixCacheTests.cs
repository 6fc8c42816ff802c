using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference;

/// <summary>Runs resumed from a clean prefix cache give bit-identical ids, logits and activations to full runs.</summary>
public sealed class PrefixCacheTests
{
    private static readonly int[][] Prompts = StoriesFixture.MixedPrompts;

    /// <summary>Interventions whose first hooked tap lies at various points: layer 0 to the last layer, each stage of a block.</summary>
    public static TheoryData<string> Interventions => new()
    {
        "L0.N3,L0.N40,L2.N7,L4.N100",              // MLP activations of layer 0
        "L2.N5,L2.N6,L3.N100,L3.N11",
        "L4.N1,L4.N2,L4.N3,L4.N150",               // the last layer only
        "blocks.2.attn.hook_q[3],L3.N9",           // attention of layer 2: resumes before the block
        "blocks.1.mlp.hook_pre[7],L2.N4",          // gate of layer 1: resumes after attention
        "blocks.0.hook_resid_pre[5]",              // the very first tap: a full run
        "blocks.4.hook_resid_post[2],blocks.4.hook_mlp_out[9]",
    };

    [SkippableTheory]
    [MemberData(nameof(Interventions))]
    public void ResumedGenerationEqualsFullGeneration(string units)
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = 16 }); // several groups
        var prefix = model.BuildPrefixCache(Prompts, 10);
        Assert.Equal(Prompts.Length, prefix.Count);
        var clean = model.Generate(Prompts, 10);
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(clean[i].NewIds, prefix.Clean[i].NewIds);

        var last = new HookPoint(model.Config.NumHiddenLayers - 1, TapKind.ResidPost);
        var fullFinal = new ActivationCapture();
        var resumedFinal = new ActivationCapture();
        var full = model.Generate(Prompts, 10, Hooks(units).AddReader(last, fullFinal));
        var resumed = model.Generate(Prompts, 10, Hooks(units).AddReader(last, resumedFinal), prefix: prefix);
        for (int i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(full[i].NewIds, resumed[i].NewIds);
            Assert.Equal(full[i].Reason, resumed[i].Reason);
            // The last residual stream of every fed row, bit for bit: the logits are a function of it.
            Assert.Equal(fullFinal.Get(i), resumedFinal.Get(i));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Interventions))]
    public void ResumedForwardGivesTheSameLogitsAndActivations(string units)
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var prefix = model.BuildPrefixCache(Prompts);
        var post3 = new HookPoint(3, TapKind.MlpPost);
        var fullPost = new ActivationCapture();
        var resumedPost = new ActivationCapture();
        var full = model.Forward(Prompts, Hooks(units).AddReader(post3, fullPost), LogitsSelection.AllPositions);
        var resumed = model.Forward(Prompts, Hooks(units).AddReader(post3, resumedPost), LogitsSelection.AllPositions, prefix);
        for (int i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(full.Logits(i), resumed.Logits(i));
            Assert.Equal(fullPost.Get(i), resumedPost.Get(i));
        }
    }

    [SkippableFact]
    public void InterventionsThatChangeTheContinuationAreCovered()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var prefix = model.BuildPrefixCache(Prompts, 10);
        // The test above compares runs that depart from the clean continuation (decode rows computed in full).
        foreach (string units in new[] { "L0.N3,L0.N40,L2.N7,L4.N100", "L2.N5,L2.N6,L3.N100,L3.N11" })
        {
            var off = model.Generate(Prompts, 10, Hooks(units), prefix: prefix);
            Assert.Contains(Enumerable.Range(0, Prompts.Length), i => !off[i].NewIds.SequenceEqual(prefix.Clean[i].NewIds));
        }
    }

    [SkippableFact]
    public void TheSavedStateIsWhatTheResumedRunUses()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var prefix = model.BuildPrefixCache(Prompts, 6);
        var hooks = Hooks("L2.N5,L3.N9");
        var honest = model.Forward(Prompts, hooks, LogitsSelection.AllPositions, prefix);
        // Tamper with prompt 0's residual after attention of layer 2 (the resume point of a writer on L2 activations).
        var entry = prefix.Find(Prompts[0])!;
        entry.ResidMid[prefix.KeptIndex(2)][0] += 1f;
        var tampered = model.Forward(Prompts, hooks, LogitsSelection.AllPositions, prefix);
        Assert.NotEqual(honest.Logits(0), tampered.Logits(0));
        Assert.Equal(honest.Logits(1), tampered.Logits(1));
        // A reader on layer 1 makes the run start before it: the saved layer-2 state is not used.
        var reader = new ActivationCapture();
        var early = model.Forward(Prompts, Hooks("L2.N5,L3.N9").AddReader(new HookPoint(1, TapKind.MlpPost), reader), LogitsSelection.AllPositions, prefix);
        Assert.Equal(honest.Logits(0), early.Logits(0));
        Assert.Equal(Prompts.Length, reader.Sequences.Count());
    }

    [SkippableFact]
    public void PromptsMissingFromTheCacheAndDuplicatesAreComputedCorrectly()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var prefix = model.BuildPrefixCache(Prompts[..2], 8);
        int[][] mixed = [Prompts[3], Prompts[0], Prompts[4], Prompts[1], Prompts[0], [1, 99, 98]];
        var hooks = Hooks("L1.N3,L3.N40");
        var full = model.Generate(mixed, 8, hooks);
        var resumed = model.Generate(mixed, 8, hooks, prefix: prefix);
        for (int i = 0; i < mixed.Length; i++) Assert.Equal(full[i].NewIds, resumed[i].NewIds);
        var fullLogits = model.Forward(mixed, hooks, LogitsSelection.AllPositions);
        var resumedLogits = model.Forward(mixed, hooks, LogitsSelection.AllPositions, prefix);
        for (int i = 0; i < mixed.Length; i++) Assert.Equal(fullLogits.Logits(i), resumedLogits.Logits(i));
    }

    [SkippableFact]
    public void KeptLayersAndTheMemoryBudgetChooseTheResumePoint()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var some = model.BuildPrefixCache(Prompts, 8, options: new PrefixCacheOptions { Layers = [3, 1] });
        Assert.Equal(new[] { 1, 3 }, some.Layers);
        Assert.Equal(new LayerPoint(1, LayerStage.MlpPost), some.EffectivePoint(new LayerPoint(2, LayerStage.Attention)));
        Assert.Equal(new LayerPoint(3, LayerStage.Mlp), some.EffectivePoint(new LayerPoint(3, LayerStage.Mlp)));
        Assert.Equal(LayerPoint.Start, some.EffectivePoint(new LayerPoint(0, LayerStage.MlpPost)));
        Assert.Equal(new LayerPoint(3, LayerStage.MlpPost), some.EffectivePoint(PrefixCache.NeededPoint(null)));
        Assert.Equal(new LayerPoint(2, LayerStage.Mlp), PrefixCache.NeededPoint(Hooks("blocks.2.mlp.hook_pre[1],L4.N0")));

        var hooks = Hooks("L2.N5,L4.N9");
        var full = model.Generate(Prompts, 8, hooks);
        var resumed = model.Generate(Prompts, 8, hooks, prefix: some);
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(full[i].NewIds, resumed[i].NewIds);

        // A budget for two layers keeps the two lowest; a budget for none keeps nothing and runs go in full.
        long perPosition = PrefixCache.BytesPerPosition(model.Config, 2, 1);
        long positions = Prompts.Sum(p => p.Length + 7);
        var two = model.BuildPrefixCache(Prompts, 8, options: new PrefixCacheOptions { MaxBytes = positions * perPosition });
        Assert.Equal(new[] { 0, 1 }, two.Layers);
        Assert.NotNull(two.Notice);
        Assert.True(two.Bytes <= positions * perPosition);
        var none = model.BuildPrefixCache(Prompts, 8, options: new PrefixCacheOptions { MaxBytes = 1 });
        Assert.Empty(none.Layers);
        Assert.Equal(0, none.Count);
        Assert.Equal(0, none.Bytes);
        var fallback = model.Generate(Prompts, 8, hooks, prefix: none);
        for (int i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(full[i].NewIds, fallback[i].NewIds);
            Assert.Equal(model.Generate(Prompts, 8)[i].NewIds, none.Clean[i].NewIds);
        }
    }

    [SkippableFact]
    public void AStopPredicateShortensTheCleanPathAndLongerRunsContinueInFull()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var prefix = model.BuildPrefixCache(Prompts, 10, stop: (_, ids) => ids.Length == 2);
        Assert.All(prefix.Clean, r => Assert.Equal(2, r.NewIds.Length));
        Assert.Equal(Prompts[0].Length + 1, prefix.Find(Prompts[0])!.Length);
        var hooks = Hooks("L3.N7");
        var full = model.Generate(Prompts, 10, hooks);
        var resumed = model.Generate(Prompts, 10, hooks, prefix: prefix);
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(full[i].NewIds, resumed[i].NewIds);
    }

    [SkippableFact]
    public void UnionMergesCachesOfTheSameModelAndLayers()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var a = model.BuildPrefixCache(Prompts[..2], 4);
        var b = model.BuildPrefixCache(Prompts[1..], 4);
        var both = a.Union(b);
        Assert.Equal(Prompts.Length, both.Count);
        Assert.Equal(a.Bytes + b.Bytes, both.Bytes + b.Find(Prompts[1])!.Bytes);
        Assert.True(Prompts.All(both.Contains));
        var other = model.BuildPrefixCache(Prompts, 4, options: new PrefixCacheOptions { Layers = [0] });
        Assert.Throws<ArgumentException>(() => a.Union(other));
        using var second = LlamaModel.Load(folder);
        Assert.Throws<ArgumentException>(() => second.Generate(Prompts, 4, Hooks("L1.N1"), prefix: a));
    }

    private static HookSet Hooks(string units) => new HookSet().Deactivate(NeuronId.ParseList(units));
}
