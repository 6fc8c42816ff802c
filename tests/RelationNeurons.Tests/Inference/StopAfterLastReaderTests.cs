using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Models;
using RelationNeurons.Tests.Reliability;

namespace RelationNeurons.Tests.Inference;

/// <summary>
/// Without logits, a pass ends right after the last tap that has a reader (a record of the last
/// layer's mlp.hook_post skips that layer's down_proj); what the readers see does not change.
/// </summary>
public sealed class StopAfterLastReaderTests
{
    private static readonly int[][] Prompts = [[1, 5, 300, 42, 17], [1, 461, 13], [1, 283, 264, 99]];

    [Fact]
    public void LastReaderIsTheLatestReadTapInExecutionOrder()
    {
        var config = MicroModel.Config(layers: 4);
        Assert.Null(new HookSet().Deactivate(NeuronId.ParseList("L3.N1")).Compile(config).LastReader);
        var hooks = new HookSet()
            .AddReader(new HookPoint(1, TapKind.MlpPost), (_, _, _, _) => { })
            .AddReader(new HookPoint(2, TapKind.MlpPre), (_, _, _, _) => { })
            .AddReader(new HookPoint(2, TapKind.Q), (_, _, _, _) => { })
            .Deactivate(NeuronId.ParseList("L3.N1")); // a writer later on is not observed
        Assert.Equal(new HookPoint(2, TapKind.MlpPre), hooks.Compile(config).LastReader);
    }

    [SkippableFact]
    public void ReadersSeeTheSameValuesWithAndWithoutTheRestOfThePass()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var last = new HookPoint(model.Config.NumHiddenLayers - 1, TapKind.MlpPost);
        float[] Capture(LogitsSelection logits)
        {
            var seen = new List<float>();
            model.Forward(Prompts, new HookSet().AddReader(last, (_, values, _, _) => seen.AddRange(values.ToArray())), logits);
            return seen.ToArray();
        }
        var stopped = Capture(LogitsSelection.None);
        Assert.NotEmpty(stopped);
        Assert.Equal(Capture(LogitsSelection.LastPosition), stopped);
    }

    [SkippableFact]
    public void PassStoppedAfterTheLastMlpPostLeavesTheResidualBeforeDownProj()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var c = model.Config;
        int last = c.NumHiddenLayers - 1;
        int[] ids = Prompts[0];
        var runtime = new HookSet().AddReader(new HookPoint(last, TapKind.MlpPost), (_, _, _, _) => { }).Compile(c);
        float[] Residual(HookPoint? stopAfter, LayerPoint? to)
        {
            var layout = new BatchLayout();
            layout.Begin(prefill: true, decodeStep: 0);
            layout.Add(0, 0, 0, ids.Length);
            var ws = new Workspace();
            model.Pass.Run(layout, ids, null, runtime, ws, to: to, stopAfter: stopAfter);
            return ws.Residual.AsSpan(0, ids.Length * c.HiddenSize).ToArray();
        }
        var stopped = Residual(new HookPoint(last, TapKind.MlpPost), null);
        // Stopping before the tap leaves the residual after attention, the state down_proj would add to.
        Assert.Equal(Residual(null, new LayerPoint(last, LayerStage.MlpPost)), stopped);
        Assert.NotEqual(Residual(null, null), stopped);
    }
}
