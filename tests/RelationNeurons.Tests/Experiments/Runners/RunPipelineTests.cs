using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Runs;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Experiments.Runners;

public class RunPipelineTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    /// <summary>
    /// Stands in for record → expertise → select in these tests: per relation and language, 12
    /// MLP units of layers 1-2 at an offset that depends on the relation (ranked in that order).
    /// </summary>
    private sealed class FixedSelectionStage : IRunStage
    {
        public int Runs { get; private set; }
        public string Name => "select";

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            Runs++;
            var sets = MicroWorld.Languages.SelectMany(lang => MicroWorld.RelationIds.Select((rel, r) => new RankedNeuronSet(rel, lang,
                Enumerable.Range(0, 12).Select(i => new NeuronId(new HookPoint(1 + i % 2, TapKind.MlpPost), (16 * r + 3 * i) % 48)).ToArray())));
            Directory.CreateDirectory(context.Layout.Selection);
            NeuronSetFile.Save(context.Layout.NeuronSets, new NeuronSetCollection(sets, "top"));
            return [Path.GetRelativePath(context.Layout.Root, context.Layout.NeuronSets)];
        }
    }

    private static RunOptions Options(string folder) => new()
    {
        Model = World.ModelFolder, Relations = World.RelationsFolder, OutFolder = folder,
        // The micro world's one-letter answers need the word-boundary criterion: the Kojima choices.
        Protocol = Protocol.Kojima with { RandomSeeds = 2 },
        Experiments = new ExperimentOptions { Statistics = new StatisticsSettings(200, 200, 0.95, 1) },
    };

    private static ModelFingerprint Fingerprint()
    {
        using var m = LlamaModel.Load(World.ModelFolder);
        return ModelFingerprinter.Compute(World.ModelFolder, m.Directory, m.FilePaths);
    }

    [Fact]
    public void RunWritesEveryResultAndTheReportAndResumesWithoutRedoingStages()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var select = new FixedSelectionStage();
            var pipeline = new RunPipeline(RunStages.Create([select]));
            var outcome = pipeline.Run(Options(folder), Fingerprint());
            Assert.Equal(["prompts", "validation", "select", "experiments", "report"], outcome.Stages.Select(s => s.Stage));
            Assert.All(outcome.Stages, s => Assert.False(s.Skipped));
            foreach (string f in new[] { RunFiles.Intra, RunFiles.Inter, RunFiles.Cumulativity, RunFiles.Overlap, RunFiles.CrossLingual, RunFiles.Summary, "report.html", "report.md", RunManifest.FileName })
                Assert.True(File.Exists(Path.Combine(folder, f)), f);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "figures"), "*.svg"));

            var intra = ResultJson.Load<IntraRelationResult>(Path.Combine(folder, RunFiles.Intra));
            Assert.Equal(6, intra.Entries.Count);
            Assert.All(intra.Entries, e => Assert.Equal(12, e.NeuronCount));
            var cross = ResultJson.Load<CrossLingualResult>(Path.Combine(folder, RunFiles.CrossLingual));
            Assert.Equal(MicroWorld.Languages, cross.Languages);
            var summary = ResultJson.Load<RunSummary>(Path.Combine(folder, RunFiles.Summary));
            Assert.Equal(["prompts", "validation", "select", "experiments"], summary.Timings.Select(t => t.Stage));
            Assert.Equal(outcome.Manifest.Model.WeightsSha256, summary.Model.WeightsSha256);

            // Same settings again: every stage is skipped.
            var again = pipeline.Run(Options(folder), Fingerprint());
            Assert.All(again.Stages, s => Assert.True(s.Skipped, s.Stage));
            Assert.Equal(1, select.Runs);

            // A lost output makes its stage and every later one run again.
            File.Delete(Path.Combine(folder, RunFiles.Inter));
            var repaired = pipeline.Run(Options(folder), Fingerprint());
            Assert.Equal([true, true, true, false, false], repaired.Stages.Select(s => s.Skipped));
            Assert.True(File.Exists(Path.Combine(folder, RunFiles.Inter)));

            // Other settings are refused, unless forced.
            var other = Options(folder) with { Protocol = Options(folder).Protocol with { RandomSeeds = 3 } };
            var error = Assert.Throws<UserInputException>(() => pipeline.Run(other, Fingerprint()));
            Assert.Contains("random_seeds: 2 → 3", error.Message);
            var forced = pipeline.Run(other with { Force = true }, Fingerprint());
            Assert.All(forced.Stages, s => Assert.False(s.Skipped));
            Assert.Equal(3, ResultJson.Load<IntraRelationResult>(Path.Combine(folder, RunFiles.Intra)).Entries[0].RandomSeeds.Count);
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }

    [Fact]
    public void AnotherModelIsRefused()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pipeline = new RunPipeline([new PromptsStage()]);
            pipeline.Run(Options(folder), Fingerprint());
            var changed = Fingerprint() with { WeightsSha256 = new string('0', 64) };
            var error = Assert.Throws<UserInputException>(() => pipeline.Run(Options(folder), changed));
            Assert.Contains("model:", error.Message);
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }

    [Fact]
    public void ComputeIsASettingAndOlderFoldersCountAsFloat32()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pipeline = new RunPipeline([new PromptsStage()]);
            pipeline.Run(Options(folder), Fingerprint());
            var manifest = RunManifest.TryLoad(Path.Combine(folder, RunManifest.FileName))!;
            Assert.Equal("f32", manifest.Options["compute"]);
            var error = Assert.Throws<UserInputException>(() => pipeline.Run(Options(folder) with { Compute = ComputePrecision.Bf16 }, Fingerprint()));
            Assert.Contains("compute: f32 → bf16", error.Message);
            // A folder written before the option (no "compute" key) resumes as float32.
            var old = manifest.Options.Where(kv => kv.Key != "compute").ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(manifest.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal), RunManifest.Upgrade(old).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }

    /// <summary>Records whether a file existed when the stage started.</summary>
    private sealed class ProbeStage(string name, string file) : IRunStage
    {
        public bool? SawFile { get; private set; }
        public string Name => name;

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            SawFile = File.Exists(file);
            return [];
        }
    }

    [Fact]
    public void EachStageStartsWithoutTheTemporariesOfKilledWriters()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Left by a writer killed between create and rename (pid above any Linux pid_max, so never running).
            string stale = Path.Combine(folder, "evaluations", $".clean.json.999999001.{Guid.NewGuid():N}.tmp");
            string ours = Path.Combine(folder, $".summary.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
            File.WriteAllText(stale, "partial");
            File.WriteAllText(ours, "being written");
            var probe = new ProbeStage("probe", stale);
            new RunPipeline([probe]).Run(Options(folder), Fingerprint());
            Assert.False(probe.SawFile);
            Assert.True(File.Exists(ours));
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }
}
