using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Hooks;

public sealed class HookTests
{
    [SkippableFact]
    public void WritersRunBeforeReadersAndDuringGeneration()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var hook = new HookPoint(2, TapKind.MlpPost);
        var seen = new List<(bool Prefill, int Rows, bool Zeroed)>();
        var hooks = new HookSet()
            .AddWriter(hook, new NeuronWriter([4, 9], [0f, 2.5f]))
            .AddReader(hook, (h, values, width, batch) =>
            {
                bool ok = true;
                for (int r = 0; r < batch.RowCount; r++)
                    ok &= values[r * width + 4] == 0f && values[r * width + 9] == 2.5f;
                seen.Add((batch.IsPrefill, batch.RowCount, ok));
            });
        var result = model.Generate([1, 461, 461], 4, hooks);
        Assert.Equal(4, result.NewIds.Length);
        Assert.Equal([(true, 3, true), (false, 1, true), (false, 1, true), (false, 1, true)], seen);
    }

    [SkippableFact]
    public void QueryTapIsBeforeRotaryEmbedding()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        // At layer 0 q depends only on the token, so a repeated token gives identical pre-RoPE rows.
        var q = new ActivationCapture();
        var k = new ActivationCapture();
        model.Forward([7, 7, 7], new HookSet().AddReader(new HookPoint(0, TapKind.Q), q).AddReader(new HookPoint(0, TapKind.K), k), LogitsSelection.None);
        Assert.Equal(q.Row(0, 0), q.Row(0, 2));
        Assert.Equal(k.Row(0, 0), k.Row(0, 1));
        Assert.Equal(model.Config.QueryWidth, q.Width);
        Assert.Equal(model.Config.KeyValueWidth, k.Width);
    }

    [SkippableFact]
    public void ResidualTapsChainAndWritersPropagate()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var post1 = new ActivationCapture();
        var pre2 = new ActivationCapture();
        int[] ids = [1, 461, 461, 401];
        model.Forward(ids, new HookSet().AddReader(new HookPoint(1, TapKind.ResidPost), post1).AddReader(new HookPoint(2, TapKind.ResidPre), pre2), LogitsSelection.None);
        Assert.Equal(post1.Get(0), pre2.Get(0));

        // Zeroing all of hook_mlp_out at layer 4 makes resid_post equal resid_mid there.
        var mid = new ActivationCapture();
        var post = new ActivationCapture();
        var hooks = new HookSet()
            .Deactivate(Enumerable.Range(0, model.Config.HiddenSize).Select(i => new NeuronId(new HookPoint(4, TapKind.MlpOut), i)))
            .AddReader(new HookPoint(4, TapKind.ResidMid), mid)
            .AddReader(new HookPoint(4, TapKind.ResidPost), post);
        var ablated = model.Forward(ids, hooks);
        Assert.Equal(mid.Get(0), post.Get(0));
        Assert.NotEqual(model.Forward(ids).LastLogits(0).ToArray(), ablated.LastLogits(0).ToArray());
    }

    [SkippableFact]
    public void EveryTapHasItsWidthAndLayout()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var hooks = new HookSet();
        var widths = new Dictionary<TapKind, int>();
        var positions = new List<int>();
        foreach (var kind in Enum.GetValues<TapKind>())
            hooks.AddReader(new HookPoint(3, kind), (h, values, width, batch) =>
            {
                widths[h.Kind] = width;
                Assert.Equal(batch.RowCount * width, values.Length);
                if (h.Kind == TapKind.ResidPre)
                    for (int r = 0; r < batch.RowCount; r++) positions.Add(batch.SequenceIndex(batch.SequenceOfRow(r)) * 100 + batch.PositionOfRow(r));
            });
        model.Forward([[1, 2, 3], [1, 4]], hooks, LogitsSelection.None);
        foreach (var kind in Enum.GetValues<TapKind>()) Assert.Equal(TapShapes.Width(model.Config, kind), widths[kind]);
        Assert.Equal([0, 1, 2, 100, 101], positions);
    }
}
