using RelationNeurons.Analysis;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Models;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Inference;

/// <summary>
/// Running the tokens all prompts of a step share once (EngineOptions.SharePromptPrefixes) gives
/// bit-identical logits and pooled activations to running every prompt whole.
/// </summary>
public sealed class SharedPrefixTests
{
    // Four tokens in common (BOS + a "template"), then each prompt's own; one prompt has a single token of its own.
    private static readonly int[][] Template =
    [
        [1, 5, 300, 299, 42, 100, 17],
        [1, 5, 300, 299, 461],
        [1, 5, 300, 299, 13, 431, 431, 293, 430],
        [1, 5, 300, 299, 283, 264],
        [1, 5, 300, 299, 401, 401, 401, 461, 378, 88, 12],
    ];

    // Only BOS in common: the case where "mean excluding BOS" leaves the prefix with no counted row.
    private static readonly int[][] BosOnly =
    [
        [1, 461, 461, 401],
        [1, 5, 300],
        [1, 13, 431, 431, 293, 430, 417],
        [1, 283],
    ];

    private static readonly HookPoint[] Taps = [new(0, TapKind.Q), new(1, TapKind.MlpPost), new(3, TapKind.MlpPre), new(4, TapKind.ResidPost)];

    public static TheoryData<string, Pooling> Cases()
    {
        var data = new TheoryData<string, Pooling>();
        foreach (var set in new[] { nameof(Template), nameof(BosOnly) })
            foreach (var pooling in Enum.GetValues<Pooling>())
                data.Add(set, pooling);
        return data;
    }

    private static int[][] Set(string name) => name == nameof(Template) ? Template : BosOnly;

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void PooledActivationsAreBitIdenticalWithAndWithoutSharing(string set, Pooling pooling)
    {
        string folder = StoriesFixture.Require();
        var prompts = Set(set);
        using var shared = LlamaModel.Load(folder);
        using var whole = LlamaModel.Load(folder, new EngineOptions { SharePromptPrefixes = false });
        // Writers act on every row alike, so deactivation must not stop sharing nor change results.
        var deactivate = NeuronId.ParseList("L1.N3,L2.N7,L3.N100");
        var (sharedOut, sharedSteps) = Pool(shared, prompts, pooling, deactivate);
        var (wholeOut, wholeSteps) = Pool(whole, prompts, pooling, deactivate);
        Assert.Equal(1, sharedSteps);
        Assert.Equal(0, wholeSteps);
        for (int t = 0; t < Taps.Length; t++) Assert.Equal(wholeOut[t], sharedOut[t]);
    }

    [SkippableFact]
    public void EachStepUsesItsOwnPromptsBosFlagWhenExcludingBos()
    {
        string folder = StoriesFixture.Require();
        // Two steps (token budget): the first's prompts start with BOS, the second's with another shared token.
        int[][] prompts =
        [
            [1, 5, 300, 42], [1, 5, 300, 461], [1, 5, 300, 13, 431], [1, 5, 300, 283],
            [5, 300, 299, 42], [5, 300, 299, 461, 7], [5, 300, 299, 13], [5, 300, 299, 283],
        ];
        int budget = prompts.Take(4).Sum(p => p.Length);
        using var shared = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = budget });
        using var whole = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = budget, SharePromptPrefixes = false });
        var (sharedOut, sharedSteps) = Pool(shared, prompts, Pooling.MeanExcludingBos, []);
        var (wholeOut, _) = Pool(whole, prompts, Pooling.MeanExcludingBos, []);
        Assert.Equal(2, sharedSteps);
        for (int t = 0; t < Taps.Length; t++) Assert.Equal(wholeOut[t], sharedOut[t]);
    }

    [SkippableFact]
    public void LastLogitsAreBitIdenticalToOneByOne()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var counter = new PrefixStepCounter();
        var batched = model.Forward(Template, new HookSet().AddReader(new HookPoint(2, TapKind.V), counter));
        Assert.Equal(1, counter.SharedSteps);
        for (int i = 0; i < Template.Length; i++)
            Assert.Equal(model.Forward(Template[i]).LastLogits(0).ToArray(), batched.LastLogits(i).ToArray());
    }

    [SkippableFact]
    public void NoSharingWhenAReaderWantsWholePromptsOrLogitsOfEveryPosition()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var counter = new PrefixStepCounter();
        var capture = new ActivationCapture();
        var hook = new HookPoint(1, TapKind.MlpPost);
        model.Forward(Template, new HookSet().AddReader(hook, counter).AddReader(new HookPoint(2, TapKind.Q), capture), LogitsSelection.LastPosition);
        Assert.Equal(0, counter.SharedSteps);
        for (int i = 0; i < Template.Length; i++) Assert.Equal(Template[i].Length, capture.Get(i).Length / model.Config.QueryWidth);

        var alone = new PrefixStepCounter();
        model.Forward(Template, new HookSet().AddReader(hook, alone), LogitsSelection.AllPositions);
        Assert.Equal(0, alone.SharedSteps);
        // Fewer prompts than the threshold: not worth another pass over the weights.
        model.Forward(Template[..3], new HookSet().AddReader(hook, alone), LogitsSelection.None);
        Assert.Equal(0, alone.SharedSteps);
    }

    [SkippableFact]
    public void RecordFilesAreIdenticalWithAndWithoutSharing()
    {
        string folder = StoriesFixture.Require();
        using var dir = new Analysis.TempDirectory();
        var prompts = Template.Concat(BosOnly).Select((ids, i) => new RecordPrompt(ids, new PromptLabel($"r{i % 3}", "en", $"f{i}", null))).ToList();
        foreach (var (name, share) in new[] { ("shared", true), ("whole", false) })
        {
            using var model = LlamaModel.Load(folder, new EngineOptions { SharePromptPrefixes = share });
            Recorder.Record(model, prompts, Path.Combine(dir.Path, name), new RecordOptions { BatchPrompts = 5, Units = UnitSet.Mlp });
        }
        foreach (var file in Directory.GetFiles(Path.Combine(dir.Path, "whole"), "layer_*.safetensors"))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(dir.Path, "shared", Path.GetFileName(file))));
    }

    private static (float[][] Outputs, int SharedSteps) Pool(LlamaModel model, int[][] prompts, Pooling pooling, IEnumerable<NeuronId> deactivate)
    {
        var hooks = new HookSet().Deactivate(deactivate);
        var counter = new PrefixStepCounter();
        hooks.AddReader(Taps[0], counter);
        var readers = new PoolingReader[Taps.Length];
        var startsWithBos = prompts.Select(p => p[0] == model.Config.BosTokenId).ToArray();
        for (int t = 0; t < Taps.Length; t++)
        {
            readers[t] = new PoolingReader(pooling, TapShapes.Width(model.Config, Taps[t].Kind));
            readers[t].Reset(prompts.Length, startsWithBos);
            hooks.AddReader(Taps[t], readers[t]);
        }
        model.Forward(prompts, hooks, LogitsSelection.None);
        return (readers.Select(r => r.Output.ToArray()).ToArray(), counter.SharedSteps);
    }

    /// <summary>Counts the shared-prefix steps it is shown.</summary>
    private sealed class PrefixStepCounter : ISharedPrefixReader
    {
        public int SharedSteps { get; private set; }

        public void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch)
        {
            if (batch.IsSharedPrefix) SharedSteps++;
        }
    }
}
