using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Pipeline;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Inference;

namespace RelationNeurons.Tests.Experiments.Runners;

/// <summary>`run`'s whole chain on the micro model, the analysis stages included.</summary>
public class FullRunTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    [Fact]
    public void EveryStageRunsAndWritesItsFiles()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-fullrun-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new RunOptions
            {
                Model = World.ModelFolder, Relations = World.RelationsFolder, OutFolder = folder, SelectionCount = 12,
                Experiments = new ExperimentOptions { RandomSeeds = 2, Statistics = new StatisticsSettings(200, 200, 0.95, 1) },
            };
            using var m = LlamaModel.Load(World.ModelFolder);
            var fingerprint = ModelFingerprinter.Compute(World.ModelFolder, m.Directory, m.FilePaths);
            var outcome = new RunPipeline(RunStages.Create(AnalysisStages.Create(options))).Run(options, fingerprint);
            Assert.Equal(["prompts", "record", "expertise", "select", "experiments", "report"], outcome.Stages.Select(s => s.Stage));
            foreach (string f in new[] { RunFiles.Intra, RunFiles.Inter, RunFiles.Cumulativity, RunFiles.Overlap, RunFiles.CrossLingual, RunFiles.Summary, "report.html", "report.md" })
                Assert.True(File.Exists(Path.Combine(folder, f)), f);

            var sets = NeuronSetLoader.Load(new RunLayout(folder).NeuronSets);
            Assert.Equal(6, sets.Sets.Count);
            Assert.All(sets.Sets, s => Assert.Equal(12, s.Count));
            Assert.All(sets.Sets, s => Assert.NotNull(s.MedianOnPositives));
            var overlap = ResultJson.Load<OverlapResult>(Path.Combine(folder, RunFiles.Overlap));
            Assert.Equal(MicroWorld.Languages, overlap.Matrices.Select(x => x.Language));
            var curves = ResultJson.Load<CumulativityResult>(Path.Combine(folder, RunFiles.Cumulativity)).Curves;
            Assert.Equal(6, curves.Count);
            Assert.All(curves, c => Assert.True(c.Points.Count >= 7));
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }
}
