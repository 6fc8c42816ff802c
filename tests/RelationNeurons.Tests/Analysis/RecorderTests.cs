using RelationNeurons.Analysis;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Models;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Analysis;

/// <summary>Recording on stories260k (no tokenizer: prompts are token ids).</summary>
public sealed class RecorderTests
{
    private static List<RecordPrompt> Prompts(int count, int seed = 5)
    {
        var rng = new Random(seed);
        string[] relations = ["capital", "ceo", "sport"];
        return Enumerable.Range(0, count).Select(i =>
        {
            int length = 1 + rng.Next(12);
            int[] ids = Enumerable.Range(0, length).Select(_ => 3 + rng.Next(500)).ToArray();
            if (i % 4 != 3) ids[0] = 1; // most prompts start with BOS, some do not
            return new RecordPrompt(ids, new PromptLabel(relations[i % 3], "en", $"f{i}"));
        }).ToList();
    }

    /// <summary>Pools a prompt's captured rows in double precision, the straightforward way.</summary>
    private static double[] ReferencePool(float[] rows, int width, Pooling pooling, bool startsWithBos)
    {
        int positions = rows.Length / width;
        var result = new double[width];
        for (int j = 0; j < width; j++)
        {
            var column = Enumerable.Range(0, positions).Select(p => (double)rows[p * width + j]).ToList();
            result[j] = pooling switch
            {
                Pooling.Mean => column.Average(),
                Pooling.MeanExcludingBos => startsWithBos && positions > 1 ? column.Skip(1).Average() : column.Average(),
                Pooling.Max => column.Max(),
                Pooling.Last => column[^1],
                _ => throw new ArgumentOutOfRangeException(nameof(pooling)),
            };
        }
        return result;
    }

    private static void AssertRecordMatchesPerPromptForward(LlamaModel model, string dir, List<RecordPrompt> prompts, UnitSet unitSet, Pooling pooling)
    {
        var record = RecordFolder.Open(dir);
        Assert.Equal(prompts.Count, record.Labels.Count);
        Assert.Equal(prompts.Select(p => p.Label), record.Labels.All);
        var hooks = Enumerable.Range(0, model.Config.NumHiddenLayers)
            .SelectMany(l => UnitSets.Kinds(unitSet).Select(k => new HookPoint(l, k))).ToList();
        for (int p = 0; p < prompts.Count; p++)
        {
            // The check: one forward pass per prompt with every tap captured, pooled by hand.
            var captures = hooks.ToDictionary(h => h, _ => new ActivationCapture());
            var set = new HookSet();
            foreach (var (hook, capture) in captures) set.AddReader(hook, capture);
            model.Forward(prompts[p].Ids, set, LogitsSelection.None);
            foreach (var hook in hooks)
            {
                using var file = record.OpenLayer(hook.Layer);
                float[] recorded = file.ReadFloat32(hook.Name);
                int width = TapShapes.Width(model.Config, hook.Kind);
                Assert.Equal(prompts.Count * width, recorded.Length);
                double[] expected = ReferencePool(captures[hook].Get(0), width, pooling, prompts[p].Ids[0] == 1);
                for (int j = 0; j < width; j++)
                {
                    double got = recorded[p * width + j];
                    Assert.True(Math.Abs(got - expected[j]) <= 1e-5 * Math.Max(1, Math.Abs(expected[j])),
                        $"{hook}[{j}] prompt {p}: recorded {got}, per-prompt {pooling} {expected[j]}");
                }
            }
        }
    }

    [SkippableFact]
    public void MeanPooledLinearUnitsEqualPerPromptForwardMeans()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(10);
        var manifest = Recorder.Record(model, prompts, tmp["rec"], new RecordOptions { Units = UnitSet.All, BatchPrompts = 4 });
        Assert.Equal(["attn.hook_q", "attn.hook_k", "attn.hook_v", "hook_attn_out", "mlp.hook_pre", "mlp.hook_pre_linear", "hook_mlp_out"], manifest.Taps);
        Assert.Equal([64, 32, 32, 64, 172, 172, 64], manifest.Widths);
        Assert.False(Directory.Exists(Path.Combine(tmp["rec"], Recorder.ChunkFolder)));
        AssertRecordMatchesPerPromptForward(model, tmp["rec"], prompts, UnitSet.All, Pooling.Mean);
    }

    [SkippableTheory]
    [InlineData(Pooling.MeanExcludingBos)]
    [InlineData(Pooling.Max)]
    [InlineData(Pooling.Last)]
    public void OtherPoolingsOnMlpNeurons(Pooling pooling)
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(7, seed: 11);
        Recorder.Record(model, prompts, tmp["rec"], new RecordOptions { Units = UnitSet.Mlp, Pooling = pooling, BatchPrompts = 3 });
        AssertRecordMatchesPerPromptForward(model, tmp["rec"], prompts, UnitSet.Mlp, pooling);
    }

    [SkippableFact]
    public void InterruptedRecordResumesToTheSameFiles()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(9);
        var options = new RecordOptions { Units = UnitSet.Mlp, BatchPrompts = 2, Dtype = SafetensorsDtype.F16 };
        Recorder.Record(model, prompts, tmp["whole"], options);

        // Stop after the second batch.
        using var cts = new CancellationTokenSource();
        var stopper = new SyncProgress(p => { if (p.PromptsDone >= 4) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Recorder.Record(model, prompts, tmp["resumed"], options, stopper, cts.Token));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(tmp["resumed"], Recorder.ChunkFolder), "*.safetensors").Length);
        Assert.False(File.Exists(Path.Combine(tmp["resumed"], RecordManifest.FileName)));

        var seen = new List<RecordProgress>();
        Recorder.Record(model, prompts, tmp["resumed"], options, new SyncProgress(seen.Add));
        Assert.Equal(4, seen[0].PromptsResumed);
        Assert.Equal(9, seen[^1].PromptsDone);
        Assert.Equal(1 + 3, seen.Count); // the initial report, then one per batch still to do
        for (int l = 0; l < model.Config.NumHiddenLayers; l++)
            Assert.Equal(File.ReadAllBytes(Path.Combine(tmp["whole"], RecordManifest.LayerFileName(l))),
                File.ReadAllBytes(Path.Combine(tmp["resumed"], RecordManifest.LayerFileName(l))));

        // A finished record is left alone; other settings are refused.
        Recorder.Record(model, prompts, tmp["resumed"], options);
        var e = Assert.Throws<UserInputException>(() => Recorder.Record(model, prompts, tmp["resumed"], options with { Pooling = Pooling.Max }));
        Assert.Contains("other settings", e.Message);
        using var layer = SafetensorsFile.Open(Path.Combine(tmp["whole"], RecordManifest.LayerFileName(0)));
        Assert.Equal(SafetensorsDtype.F16, layer.Get("blocks.0.mlp.hook_post").Dtype);
    }

    [SkippableFact]
    public void RecordThenExpertiseThenSelect()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        Recorder.Record(model, Prompts(30), tmp["rec"], new RecordOptions { BatchPrompts = 8 });
        var expertise = ExpertiseRunner.Run(tmp["rec"], tmp["exp"]);
        // The default unit set is the paper's: gate, up and down outputs of every layer.
        Assert.Equal(5 * (172 + 172 + 64), expertise.TotalUnits);
        var sets = NeuronSelector.SelectFromFolder(tmp["exp"], new SelectionOptions { Count = 50 });
        Assert.All(sets.Relations, r => Assert.Equal(50, r.Units.Count));
    }

    private sealed class SyncProgress(Action<RecordProgress> report) : IProgress<RecordProgress>
    {
        public void Report(RecordProgress value) => report(value);
    }
}
