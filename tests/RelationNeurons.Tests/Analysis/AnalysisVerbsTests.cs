using System.Text.Json;
using RelationNeurons.Analysis;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Tests.Cli;

namespace RelationNeurons.Tests.Analysis;

/// <summary>The `expertise` and `select` verbs end to end (stdout is captured, so not in parallel).</summary>
[Collection("Console")]
public class AnalysisVerbsTests
{
    internal static (int Code, string Stdout, string Stderr) Run(params string[] args)
        => CliHarness.InProcess([RecordVerb.Create(), ExpertiseVerb.Create(), SelectVerb.Create()], args);

    [Fact]
    public void ExpertiseThenSelect()
    {
        using var tmp = new TempDirectory();
        ExpertiseRunnerTests.WriteRecord(tmp["record"], ExpertiseRunnerTests.Labels());
        var (code, stdout, stderr) = Run("expertise", "--record", tmp["record"], "--out", tmp["exp"], "--top-csv", "5", "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("relations").GetArrayLength());
            Assert.Equal(16, doc.RootElement.GetProperty("units").GetInt64());
            Assert.Equal("same_language", doc.RootElement.GetProperty("scope").GetString());
        }
        Assert.True(File.Exists(Path.Combine(tmp["exp"], "ceo.top.csv")));

        (code, stdout, stderr) = Run("select", "--expertise", tmp["exp"], "--out", tmp["sets.json"], "--count", "6", "--random-seeds", "2", "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(6, doc.RootElement.GetProperty("count").GetInt64());
            Assert.Equal("top", doc.RootElement.GetProperty("mode").GetString());
        }
        var sets = NeuronSets.Load(tmp["sets.json"]);
        Assert.All(sets.Relations, r => Assert.Equal(6, r.Units.Count));
        Assert.All(sets.Relations, r => Assert.Equal(2, r.Random.Count));
    }

    [Fact]
    public void UserErrorsExitWithCode2()
    {
        using var tmp = new TempDirectory();
        ExpertiseRunnerTests.WriteRecord(tmp["record"], ExpertiseRunnerTests.Labels());

        var (code, _, stderr) = Run("expertise", "--record", tmp["record"], "--out", tmp["exp"], "--relations", "spouse");
        Assert.Equal(2, code);
        Assert.Contains("unknown relation 'spouse'", stderr);

        Assert.Equal(0, Run("expertise", "--record", tmp["record"], "--out", tmp["exp"]).Code);
        (code, _, stderr) = Run("select", "--expertise", tmp["exp"], "--out", tmp["s.json"], "--count", "3", "--fraction", "0.1");
        Assert.Equal(2, code);
        Assert.Contains("not both", stderr);
        (code, _, stderr) = Run("select", "--expertise", tmp["exp"], "--out", tmp["s.json"], "--mode", "middle");
        Assert.Equal(2, code);
        (code, _, stderr) = Run("select", "--expertise", tmp["exp"], "--out", tmp["s.json"], "--relations", "spouse");
        Assert.Equal(2, code);
        Assert.False(File.Exists(tmp["s.json"]));

        // Labels and activations disagree in count.
        string labels = Path.Combine(tmp["record"], RecordManifest.LabelsFileName);
        File.WriteAllLines(labels, File.ReadAllLines(labels).SkipLast(2));
        (code, _, stderr) = Run("expertise", "--record", tmp["record"], "--out", tmp["exp2"]);
        Assert.Equal(2, code);
        Assert.Contains("labels list", stderr);
    }

    [Fact]
    public void RelationWithoutNegativesExitsWithCode2()
    {
        using var tmp = new TempDirectory();
        // German prompts all belong to one relation: no German negatives.
        var labels = new PromptLabels(Enumerable.Range(0, ExpertiseRunnerTests.Prompts)
            .Select(i => i < 40 ? new PromptLabel(i % 2 == 0 ? "a" : "b", "en") : new PromptLabel("a", "de")));
        ExpertiseRunnerTests.WriteRecord(tmp["record"], labels);
        var (code, _, stderr) = Run("expertise", "--record", tmp["record"], "--out", tmp["exp"]);
        Assert.Equal(2, code);
        Assert.Contains("relation 'a' has no negatives in language 'de'", stderr);
        (code, _, stderr) = Run("expertise", "--record", tmp["record"], "--out", tmp["exp"], "--all-languages");
        Assert.True(code == 0, stderr);
    }
}
