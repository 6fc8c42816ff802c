using RelationNeurons.Analysis;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Models;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Analysis;

/// <summary>
/// <c>record --stream-layers</c> on stories260k: the files must be byte for byte those of the
/// chunked recorder, also after an interruption between layers.
/// </summary>
public sealed class LayerStreamRecorderTests
{
    private static List<RecordPrompt> Prompts(int count, int seed = 9, bool allBos = false)
    {
        var rng = new Random(seed);
        string[] relations = ["capital", "ceo", "sport"];
        return Enumerable.Range(0, count).Select(i =>
        {
            int length = 1 + rng.Next(12);
            int[] ids = Enumerable.Range(0, length).Select(_ => 3 + rng.Next(500)).ToArray();
            if (i % 4 != 3 || allBos) ids[0] = 1; // most prompts start with BOS, some do not
            return new RecordPrompt(ids, new PromptLabel(relations[i % 3], "en", $"f{i}"));
        }).ToList();
    }

    /// <summary>Every file of two record folders, by relative path, with the same bytes.</summary>
    private static void AssertSameFiles(string expected, string actual)
    {
        static List<string> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();
        var names = Files(expected);
        Assert.Equal(names, Files(actual));
        Assert.Contains(RecordManifest.LayerFileName(0), names);
        Assert.Contains(RecordManifest.FileName, names);
        foreach (var name in names)
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name))),
                $"{name} differs between the chunked and the layer-streamed record");
    }

    [SkippableTheory]
    [InlineData(UnitSet.Mlp, Pooling.Mean)]
    [InlineData(UnitSet.Mlp, Pooling.MeanExcludingBos)]
    [InlineData(UnitSet.Mlp, Pooling.Max)]
    [InlineData(UnitSet.Mlp, Pooling.Last)]
    [InlineData(UnitSet.All, Pooling.Mean)]
    [InlineData(UnitSet.All, Pooling.MeanExcludingBos)]
    [InlineData(UnitSet.All, Pooling.Max)]
    [InlineData(UnitSet.All, Pooling.Last)]
    public void StreamedRecordIsByteIdenticalToChunkedRecord(UnitSet units, Pooling pooling)
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(23);
        var options = new RecordOptions { Units = units, Pooling = pooling, BatchPrompts = 5, ModelName = "stories" };
        // Streamed first: the chunked record then runs on weight pages the streamed one gave back.
        Recorder.Record(model, prompts, tmp["stream"], options with { StreamLayers = true });
        Recorder.Record(model, prompts, tmp["chunked"], options);
        AssertSameFiles(tmp["chunked"], tmp["stream"]);
    }

    [SkippableTheory]
    [InlineData(UnitSet.All, Pooling.Mean)]
    [InlineData(UnitSet.Mlp, Pooling.MeanExcludingBos)]
    public void StreamedRecordMatchesChunkedRecordThatSharesPromptPrefixes(UnitSet units, Pooling pooling)
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        Assert.True(model.Options.SharePromptPrefixes);
        using var tmp = new TempDirectory();
        // Every prompt starts with BOS (two also with the same next token): the chunked record's
        // forward steps run that prefix once; the streamed one runs every prompt whole.
        var prompts = Prompts(21, seed: 12, allBos: true);
        prompts[1] = prompts[1] with { Ids = [1, 7, .. prompts[1].Ids.Skip(1)] };
        prompts[2] = prompts[2] with { Ids = [1, 7, .. prompts[2].Ids.Skip(1)] };
        var options = new RecordOptions { Units = units, Pooling = pooling, BatchPrompts = 7 };
        Recorder.Record(model, prompts, tmp["chunked"], options);
        Recorder.Record(model, prompts, tmp["stream"], options with { StreamLayers = true });
        AssertSameFiles(tmp["chunked"], tmp["stream"]);
    }

    [SkippableFact]
    public void StreamedRecordMatchesWithHalfFloatsAndStepsSplitByTheTokenBudget()
    {
        string folder = StoriesFixture.Require();
        // A token budget below a batch's tokens splits every batch into several forward steps.
        using var model = LlamaModel.Load(folder, new EngineOptions { MaxBatchTokens = 17 });
        using var tmp = new TempDirectory();
        var prompts = Prompts(19, seed: 4);
        var options = new RecordOptions { Units = UnitSet.All, Dtype = SafetensorsDtype.F16, BatchPrompts = 6 };
        Recorder.Record(model, prompts, tmp["chunked"], options);
        Recorder.Record(model, prompts, tmp["stream"], options with { StreamLayers = true });
        AssertSameFiles(tmp["chunked"], tmp["stream"]);
    }

    [SkippableFact]
    public void InterruptedStreamedRecordResumesAtTheNextLayerWithIdenticalOutput()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(17, seed: 2);
        var options = new RecordOptions { Units = UnitSet.All, Pooling = Pooling.Mean, BatchPrompts = 4 };
        Recorder.Record(model, prompts, tmp["chunked"], options);

        var streamed = options with { StreamLayers = true };
        using (var cts = new CancellationTokenSource())
        {
            var stopper = new SyncProgress(p => { if (p.LayersDone == 2 && p.LayerPromptsDone == 0) cts.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => Recorder.Record(model, prompts, tmp["stream"], streamed, stopper, cts.Token));
        }
        Assert.True(File.Exists(Path.Combine(tmp["stream"], RecordManifest.LayerFileName(1))));
        Assert.False(File.Exists(Path.Combine(tmp["stream"], RecordManifest.LayerFileName(2))));
        Assert.False(File.Exists(Path.Combine(tmp["stream"], RecordManifest.FileName)));
        Assert.True(File.Exists(Path.Combine(tmp["stream"], LayerStreamRecorder.WorkFolder, LayerStreamRecorder.ProgressFileName)));

        // A layer file of a resumed layer must be kept, not rewritten: stamp it and check after.
        string layer1 = Path.Combine(tmp["stream"], RecordManifest.LayerFileName(1));
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(layer1, stamp);

        var seen = new List<RecordProgress>();
        Recorder.Record(model, prompts, tmp["stream"], streamed, new SyncProgress(seen.Add));
        Assert.Equal(2, seen[0].LayersResumed);
        Assert.Equal(2, seen[0].LayersDone);
        Assert.Equal(1.0, seen[^1].Fraction);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(layer1));
        AssertSameFiles(tmp["chunked"], tmp["stream"]);
    }

    [SkippableFact]
    public void RecordStartedInOneModeFinishesInTheOther()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(11, seed: 6);
        var options = new RecordOptions { Units = UnitSet.Mlp, Pooling = Pooling.Max, BatchPrompts = 3 };
        Recorder.Record(model, prompts, tmp["reference"], options);
        foreach (bool streamFirst in new[] { true, false })
        {
            string dir = tmp[streamFirst ? "stream-then-chunked" : "chunked-then-stream"];
            using (var cts = new CancellationTokenSource())
            {
                var stopper = new SyncProgress(p => { if (p.LayersDone == 1 || p.PromptsDone >= 6) cts.Cancel(); });
                Assert.Throws<OperationCanceledException>(() => Recorder.Record(model, prompts, dir, options with { StreamLayers = streamFirst }, stopper, cts.Token));
            }
            Recorder.Record(model, prompts, dir, options with { StreamLayers = !streamFirst });
            AssertSameFiles(tmp["reference"], dir);
        }
    }

    [SkippableFact]
    public void StreamedResumeStateFromOtherSettingsIsNotUsed()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        using var tmp = new TempDirectory();
        var prompts = Prompts(9, seed: 3);
        var options = new RecordOptions { Units = UnitSet.Mlp, BatchPrompts = 4, StreamLayers = true };
        using (var cts = new CancellationTokenSource())
        {
            var stopper = new SyncProgress(p => { if (p.LayersDone == 3) cts.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => Recorder.Record(model, prompts, tmp["stream"], options, stopper, cts.Token));
        }
        // Other prompts under the same folder: refused as an unfinished record made with other settings.
        Assert.Throws<UserInputException>(() => Recorder.Record(model, Prompts(9, seed: 8), tmp["stream"], options));
    }

    [SkippableFact]
    public void LayerStreamGivesTheForwardPassResidualAndReleasesPages()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        var prompts = Prompts(6, seed: 1).Select(p => p.Ids).ToList();
        var stream = new LayerStream(model);
        int h = model.Config.HiddenSize;
        var hidden = new float[LayerStream.Rows(prompts) * h];
        stream.Embed(prompts, hidden);
        if (OperatingSystem.IsLinux()) Assert.True(stream.ReleaseEmbedding());
        for (int l = 0; l < model.Config.NumHiddenLayers; l++)
        {
            stream.RunLayer(l, prompts, hidden);
            if (OperatingSystem.IsLinux()) Assert.True(stream.ReleaseLayer(l));
        }
        // The last residual of each prompt, captured by the full forward pass, is the streamed state.
        int last = model.Config.NumHiddenLayers - 1;
        long row = 0;
        foreach (var p in prompts)
        {
            var capture = new ActivationCapture();
            model.Forward(p, new HookSet().AddReader(new HookPoint(last, TapKind.ResidPost), capture), LogitsSelection.None);
            Assert.Equal(capture.Get(0), hidden.AsSpan((int)(row * h), p.Length * h).ToArray());
            row += p.Length;
        }
        Assert.Equal(model.Weights.Layers.Sum(w => 0L + w.Q.Rows * w.Q.RowBytes + w.K.Rows * w.K.RowBytes + w.V.Rows * w.V.RowBytes +
            w.O.Rows * w.O.RowBytes + w.Gate.Rows * w.Gate.RowBytes + w.Up.Rows * w.Up.RowBytes + w.Down.Rows * w.Down.RowBytes),
            Enumerable.Range(0, model.Config.NumHiddenLayers).Sum(stream.LayerWeightBytes));
    }

    private sealed class SyncProgress(Action<RecordProgress> report) : IProgress<RecordProgress>
    {
        public void Report(RecordProgress value) => report(value);
    }
}

/// <summary>`record --stream-layers` end to end on the demo model: the same folder as without.</summary>
[Collection("Console")]
public sealed class RecordVerbStreamLayersTests
{
    [SkippableFact]
    public void StreamLayersFlagWritesTheSameRecord()
    {
        string? models = RelationNeurons.Data.BuiltInPaths.FindModels();
        Skip.If(models is null || !Directory.Exists(Path.Combine(models, "relfacts-demo")),
            $"models/relfacts-demo not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}");
        string demo = Path.Combine(models!, "relfacts-demo");
        using var tmp = new TempDirectory();
        string[] subjects = ["Paris", "Berlin", "Rome", "Madrid", "Lisbon", "Vienna", "Oslo"];
        var prompts = subjects.Select((s, i) => new RelationNeurons.Data.Prompt
        {
            Relation = i % 2 == 0 ? "capital" : "ceo", Language = "en", FactId = $"f-{i}", TemplateIndex = 0, Template = "{} is",
            Subject = s, Object = s, Text = $"The capital of {s} is", Answers = [s], Split = RelationNeurons.Data.PromptSplit.Identification,
        }).ToList();
        RelationNeurons.Data.PromptFile.Write(tmp["identification.jsonl"], prompts);

        var (code, _, stderr) = AnalysisVerbsTests.Run("record", "--model", demo, "--prompts", tmp.Path, "--out", tmp["chunked"], "--batch", "3");
        Assert.True(code == 0, stderr);
        string stdout;
        (code, stdout, stderr) = AnalysisVerbsTests.Run("record", "--model", demo, "--prompts", tmp.Path, "--out", tmp["stream"], "--batch", "3",
            "--stream-layers", "--json");
        Assert.True(code == 0, stderr);
        using (var doc = System.Text.Json.JsonDocument.Parse(stdout))
            Assert.True(doc.RootElement.GetProperty("stream_layers").GetBoolean());
        foreach (var name in Directory.EnumerateFiles(tmp["chunked"]).Select(Path.GetFileName))
            Assert.True(File.ReadAllBytes(Path.Combine(tmp["chunked"], name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(tmp["stream"], name!))), name);
        Assert.Equal(Directory.EnumerateFileSystemEntries(tmp["chunked"]).Count(), Directory.EnumerateFileSystemEntries(tmp["stream"]).Count());
    }
}
