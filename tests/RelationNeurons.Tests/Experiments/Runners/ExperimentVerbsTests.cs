using System.CommandLine;
using System.Text.Json;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Data;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Hooks;
using RelationNeurons.Tests.Cli;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Method;
using RelationNeurons.Runs;

namespace RelationNeurons.Tests.Experiments.Runners;

/// <summary>The `evaluate` and `experiment` verbs on the micro model (stdout is captured, so not in parallel).</summary>
[Collection("Console")]
public class ExperimentVerbsTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
        => CliHarness.InProcess([EvaluateVerb.Create(), ExperimentVerb.Create(), RunVerb.Create()], args);

    /// <summary>A run folder with test prompts and a neuron set per relation and language.</summary>
    private static string MakeRunFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-verbs-" + Guid.NewGuid().ToString("N"));
        PromptFile.WriteSets(Path.Combine(folder, "prompts"), new PromptSets([], World.TestPrompts));
        var sets = MicroWorld.Languages.SelectMany(l => MicroWorld.RelationIds.Select(r => new RankedNeuronSet(r, l,
            Enumerable.Range(0, 10).Select(i => new NeuronId(new HookPoint(2, TapKind.MlpPost), i)).ToArray())));
        Directory.CreateDirectory(Path.Combine(folder, "selection"));
        NeuronSetFile.Save(Path.Combine(folder, "selection", "neuron_sets.json"), new NeuronSetCollection(sets));
        return folder;
    }

    [Fact]
    public void EvaluateWritesAnEvaluationResultForCleanAndDeactivatedRuns()
    {
        string folder = MakeRunFolder();
        try
        {
            string test = Path.Combine(folder, "prompts", "test.jsonl");
            string clean = Path.Combine(folder, "clean.json");
            var (code, stdout, stderr) = Run("evaluate", "--model", World.ModelFolder, "--prompts", test, "--out", clean, "--json");
            Assert.True(code == 0, stderr);
            var result = ResultJson.Load<EvaluationResult>(clean);
            Assert.Equal(ConditionLabel.Clean, result.Condition);
            Assert.Equal(World.TestPrompts.Count, result.Outcomes.Count);
            using var doc = JsonDocument.Parse(stdout);
            Assert.Equal(6, doc.RootElement.GetProperty("accuracy").GetArrayLength());

            string deact = Path.Combine(folder, "deact.json");
            (code, _, stderr) = Run("evaluate", "--model", World.ModelFolder, "--prompts", test, "--neurons", Path.Combine(folder, "selection", "neuron_sets.json"),
                "--relation", "home_of", "--language", "en", "--set", "random:2", "--out", deact, "--json");
            Assert.True(code == 0, stderr);
            Assert.Equal("random:home_of@en/seed2", ResultJson.Load<EvaluationResult>(deact).Condition);

            (code, _, stderr) = Run("evaluate", "--model", World.ModelFolder, "--prompts", test, "--neurons", Path.Combine(folder, "selection", "neuron_sets.json"),
                "--relation", "home_of", "--out", deact);
            Assert.Equal(2, code);
            Assert.Contains("--language", stderr);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ExperimentWritesItsResultFileIntoTheRunFolder()
    {
        string folder = MakeRunFolder();
        try
        {
            var (code, stdout, stderr) = Run("experiment", "intra", "--run", folder, "--model", World.ModelFolder, "--random-seeds", "2", "--resamples", "200", "--json");
            Assert.True(code == 0, stderr);
            var intra = ResultJson.Load<IntraRelationResult>(Path.Combine(folder, RunFiles.Intra));
            Assert.Equal(6, intra.Entries.Count);
            Assert.Contains("intra.json", stdout);
            Assert.Equal(1 + 6 * 3, Directory.GetFiles(Path.Combine(folder, RunFiles.EvaluationsFolder), "*.json").Length);

            (code, _, stderr) = Run("experiment", "sideways", "--run", folder, "--model", World.ModelFolder);
            Assert.Equal(2, code);
            Assert.Contains("unknown experiment", stderr);
        }
        finally { Directory.Delete(folder, true); }
    }

    /// <summary>A run.json in <paramref name="folder"/> as `run --random-seeds 2 --seed 5 --resamples 200` on the micro model writes it.</summary>
    private static void WriteRunJson(string folder)
    {
        var settings = new RunOptions
        {
            Model = World.ModelFolder, Relations = World.RelationsFolder, OutFolder = folder, Protocol = Protocol.Paper with { RandomSeeds = 2 },
            Experiments = new ExperimentOptions { Seed = 5, Statistics = StatisticsSettings.Default with { BootstrapResamples = 200, PermutationResamples = 200 } },
        }.Settings();
        new RunManifest(settings, new ModelFingerprint(World.ModelFolder, null, "0", null), DateTimeOffset.UtcNow, []).Save(Path.Combine(folder, RunManifest.FileName));
    }

    [Fact]
    public void ExperimentTakesTheRunsOptionsForFlagsNotGivenAndAFlagGivenWins()
    {
        string folder = MakeRunFolder();
        try
        {
            WriteRunJson(folder);
            string intraPath = Path.Combine(folder, RunFiles.Intra);
            // No flags, no --model: the run's model, random sets, seed and resamples.
            var (code, _, stderr) = Run("experiment", "intra", "--run", folder);
            Assert.True(code == 0, stderr);
            Assert.Contains($"from {Path.Combine(folder, RunManifest.FileName)}: --random-seeds 2 --seed 5 --resamples 200", stderr);
            var intra = ResultJson.Load<IntraRelationResult>(intraPath);
            Assert.All(intra.Entries, e => Assert.Equal(2, e.RandomSeeds.Count));
            Assert.Equal(200, intra.Statistics.BootstrapResamples);

            (code, _, stderr) = Run("experiment", "intra", "--run", folder, "--random-seeds", "1", "--resamples", "100");
            Assert.True(code == 0, stderr);
            Assert.Contains("--seed 5", stderr);
            Assert.DoesNotContain("--random-seeds 2", stderr);
            Assert.Contains("given here, unlike", stderr);
            Assert.Contains("random_seeds: 2 → 1", stderr);
            intra = ResultJson.Load<IntraRelationResult>(intraPath);
            Assert.All(intra.Entries, e => Assert.Single(e.RandomSeeds));
            Assert.Equal(100, intra.Statistics.BootstrapResamples);

            // Without run.json the flags' defaults hold again.
            File.Delete(Path.Combine(folder, RunManifest.FileName));
            (code, _, stderr) = Run("experiment", "intra", "--run", folder, "--model", World.ModelFolder, "--random-seeds", "1");
            Assert.True(code == 0, stderr);
            Assert.DoesNotContain("run.json", stderr);
            Assert.Equal(StatisticsSettings.Default.BootstrapResamples, ResultJson.Load<IntraRelationResult>(intraPath).Statistics.BootstrapResamples);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void AFlagThatContradictsTheRunCannotMergeShardsMadeWithTheRunsOptions()
    {
        string folder = MakeRunFolder();
        try
        {
            WriteRunJson(folder);
            foreach (string shard in new[] { "0/2", "1/2" })
            {
                var (c, _, e) = Run("experiment", "intra", "--run", folder, "--shard", shard);
                Assert.True(c == 0, e);
            }
            var (code, _, stderr) = Run("experiment", "intra", "--run", folder, "--random-seeds", "3");
            Assert.Equal(2, code);
            Assert.Contains("was made with other settings", stderr);
            (code, _, stderr) = Run("experiment", "intra", "--run", folder);
            Assert.True(code == 0, stderr);
            Assert.All(ResultJson.Load<IntraRelationResult>(Path.Combine(folder, RunFiles.Intra)).Entries, e => Assert.Equal(2, e.RandomSeeds.Count));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void RunChainsEveryStageAndResumes()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-runverb-" + Guid.NewGuid().ToString("N"));
        try
        {
            string[] args = ["run", "--model", World.ModelFolder, "--relations", World.RelationsFolder, "--out", folder,
                "--count", "8", "--random-seeds", "1", "--sweep", "scales", "--cumulativity-scales", "1/4,1/2,1,2", "--resamples", "100"];
            var (code, stdout, stderr) = Run(args);
            Assert.True(code == 0, stderr);
            Assert.Contains("report.html", stdout);
            Assert.Contains("[7/7] report", stderr);
            Assert.True(File.Exists(Path.Combine(folder, "report.html")));
            var summary = ResultJson.Load<RunSummary>(Path.Combine(folder, RunFiles.Summary));
            Assert.Contains("--count 8", summary.ReproduceCommand);
            // Fractions parse; the point at 2·N comes from the expertise ranking beyond the set.
            var curve = ResultJson.Load<CumulativityResult>(Path.Combine(folder, RunFiles.Cumulativity)).Curves[0];
            Assert.Equal([0, 2, 4, 8, 16], curve.Points.Select(p => p.NeuronCount));

            (code, _, stderr) = Run(args);
            Assert.True(code == 0, stderr);
            Assert.Equal(7, stderr.Split('\n').Count(l => l.Contains("done earlier, skipped")));

            (code, _, stderr) = Run([.. args[..^2], "--resamples", "50"]);
            Assert.Equal(2, code);
            Assert.Contains("bootstrap_resamples: 100 → 50", stderr);
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }
}
