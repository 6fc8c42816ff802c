using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Runs;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Inference;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;
using RelationNeurons.Method;

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
                Model = World.ModelFolder, Relations = World.RelationsFolder, OutFolder = folder, Protocol = Protocol.Kojima with { Count = 12, RandomSeeds = 2 },
                Experiments = new ExperimentOptions { RandomSeeds = 2, Statistics = new StatisticsSettings(200, 200, 0.95, 1) },
            };
            using var m = LlamaModel.Load(World.ModelFolder);
            var fingerprint = ModelFingerprinter.Compute(World.ModelFolder, m.Directory, m.FilePaths);
            var outcome = new RunPipeline(RunStages.Create(AnalysisStages.Create(options))).Run(options, fingerprint);
            Assert.Equal(["prompts", "validation", "record", "expertise", "select", "experiments", "report"], outcome.Stages.Select(s => s.Stage));
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
            // 12·(1/16 … 16) along the expertise ranking, capped at 25 % of the 672 linear units: 1 … 168.
            Assert.All(curves, c => Assert.Equal([0, 1, 2, 3, 6, 12, 24, 48, 96, 168], c.Points.Select(p => p.NeuronCount)));
            Assert.All(curves, c => Assert.Equal((12, 168, 672L), (c.SetSize, c.RankedUnits, c.TotalUnits!.Value)));
            // The expertise ranking reproduces the selection: its first N units are each set, in order (the planner checks it
            // for "both"; here also the ends alone).
            var ranking = new ExpertiseRanking(new RunLayout(folder).Expertise);
            foreach (var set in sets.Sets)
            {
                Assert.Equal(set.Neurons, ranking.Ranked(set.Relation, set.Language, "both", 12)!.Neurons);
                var top = ranking.Ranked(set.Relation, set.Language, "top", 6)!.Neurons;
                var bottom = ranking.Ranked(set.Relation, set.Language, "bottom", 6)!.Neurons;
                Assert.Equal(set.Neurons.Where((_, i) => i % 2 == 0), top);
                Assert.Equal(set.Neurons.Where((_, i) => i % 2 == 1), bottom);
                Assert.Equal(set.MedianOnPositives, ranking.Ranked(set.Relation, set.Language, "both", 12)!.MedianOnPositives);
            }
            Assert.Null(ranking.Ranked("no_such_relation", "en", "both", 3));
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }
}
