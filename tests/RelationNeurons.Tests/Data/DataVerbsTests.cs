using System.Text.Json;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Data;
using RelationNeurons.Tests.Cli;

namespace RelationNeurons.Tests.Data;

[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The `relations` and `prompts` verbs end to end (stdout is captured, so not in parallel).</summary>
[Collection("Console")]
public class DataVerbsTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
        => CliHarness.InProcess([RelationsVerb.Create(), PromptsVerb.Create()], args);

    [Fact]
    public void RelationsJsonListsFactCountsPerLanguage()
    {
        using var dir = new TempDir();
        SampleRelations.Write(dir);
        var (code, stdout, _) = Run("relations", "--relations", dir.Path, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var rels = doc.RootElement.GetProperty("relations");
        Assert.Equal(3, rels.GetArrayLength());
        var capital = rels.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "country_capital");
        Assert.Equal("country", capital.GetProperty("kind").GetString());
        Assert.Equal(12, capital.GetProperty("facts").GetProperty("de").GetInt32());
        Assert.Equal(12, capital.GetProperty("facts").GetProperty("en").GetInt32());
        Assert.Equal(12, capital.GetProperty("common_facts").GetInt32());
    }

    [SkippableFact]
    public void RelationsJsonOfThePaperSetListsTheTwelveWithLreCountsAndSixLanguages()
    {
        Skip.If(BuiltInPaths.FindRelations(BuiltInPaths.PaperRelations) is null, "data/relations/paper not found; check not run");
        var (code, stdout, stderr) = Run("relations", "--relations", "paper", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var rels = doc.RootElement.GetProperty("relations").EnumerateArray().ToArray();
        Assert.Equal(PaperRelationsTests.PaperIds, rels.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(PaperRelationsTests.Languages, doc.RootElement.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        foreach (var r in rels)
        {
            Assert.Equal(PaperRelationsTests.Languages, r.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal(50, r.GetProperty("fixed_test_facts").GetInt32());
            Assert.Equal(50, r.GetProperty("common_facts").GetInt32());
            Assert.Equal(50, r.GetProperty("facts").GetProperty("zh").GetInt32());
            Assert.InRange(r.GetProperty("source_samples").GetInt32(), 298, 994);
            Assert.Equal(1, r.GetProperty("alternative_templates").GetInt32());
        }
        var company = rels.Single(r => r.GetProperty("id").GetString() == "product_company");
        Assert.Equal(522, company.GetProperty("source_samples").GetInt32());   // LRE rows
        Assert.Equal(494, company.GetProperty("facts").GetProperty("en").GetInt32()); // one fact per subject
    }

    [SkippableFact]
    public void PromptsOfThePaperSetAreFiftyTestPromptsPerRelationAndLanguage()
    {
        Skip.If(BuiltInPaths.FindRelations(BuiltInPaths.PaperRelations) is null, "data/relations/paper not found; check not run");
        using var dir = new TempDir();
        var (code, stdout, stderr) = Run("prompts", "--relations", "paper", "--out", dir.Path, "--seed", "3", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var splits = doc.RootElement.GetProperty("splits").EnumerateArray().ToArray();
        Assert.Equal(12 * 6, splits.Length);
        Assert.All(splits, s => Assert.Equal(50, s.GetProperty("test_prompts").GetInt32()));
        var sets = PromptFile.ReadSets(dir.Path);
        Assert.All(sets.Test, p => Assert.EndsWith(PaperRelationsTests.AnswerCue[p.Language], p.Text));
        var testSubjects = sets.Test.Where(p => p.Language == "en").Select(p => p.Subject).ToHashSet();
        Assert.DoesNotContain(sets.Identification, p => testSubjects.Contains(p.Subject));
    }

    [Fact]
    public void PromptsWritesBothFilesAndSummary()
    {
        using var dir = new TempDir();
        SampleRelations.Write(dir);
        string outDir = dir.File("out");
        var (code, stdout, stderr) = Run("prompts", "--relations", dir.Path, "--out", outDir, "--seed", "9", "--languages", "en,de", "--json");
        Assert.True(code == 0, stderr);
        var sets = PromptFile.ReadSets(outDir);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(sets.Test.Count, doc.RootElement.GetProperty("test_prompts").GetInt32());
        Assert.Equal(9UL, doc.RootElement.GetProperty("seed").GetUInt64());
        var expected = PromptSplitter.Split(RelationReader.Load(dir.Path), new PromptSplitOptions { Seed = 9 });
        Assert.Equal(expected.Test.Select(p => p.Text), sets.Test.Select(p => p.Text));
    }

    [Fact]
    public void BadInputExitsWithCode2AndWritesNothing()
    {
        using var dir = new TempDir();
        SampleRelations.Write(dir);
        dir.Write("en/broken.json", """{"id": "broken", "prompt_templates": ["no slot"], "samples": [{"subject": "a", "object": "b"}]}""");
        string outDir = dir.File("out");
        var (code, _, stderr) = Run("prompts", "--relations", dir.Path, "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("broken.json", stderr);
        Assert.False(Directory.Exists(outDir));

        // Too few facts for the split: caught before anything is written, too.
        File.Delete(dir.File("en/broken.json"));
        (code, _, stderr) = Run("prompts", "--relations", dir.Path, "--out", outDir, "--test-size", "15");
        Assert.Equal(2, code);
        Assert.Contains("too few", stderr);
        Assert.False(Directory.Exists(outDir));

        (code, _, stderr) = Run("prompts", "--relations", dir.Path, "--out", outDir, "--languages", "xx");
        Assert.Equal(2, code);
        Assert.Contains("'xx'", stderr);
    }
}
