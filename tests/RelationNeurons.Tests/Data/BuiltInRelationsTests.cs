using RelationNeurons.Data;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Data;

/// <summary>
/// Checks the repository's demo relation set (data/relations/demo, the set the demo model was
/// trained on). Runs whenever that folder exists; while it does not, each test is reported as
/// skipped with the reason. The paper's set has its own tests (<see cref="PaperRelationsTests"/>).
/// </summary>
public class BuiltInRelationsTests(ITestOutputHelper output)
{
    private RelationSet LoadBuiltIn()
    {
        // From the test binary upwards only: the current directory may be anywhere.
        string? dir = BuiltInPaths.Find(Path.Combine(BuiltInPaths.RelationsRelative, BuiltInPaths.DemoRelations), [AppContext.BaseDirectory]);
        Skip.If(dir is null, $"data/relations/demo not found above {AppContext.BaseDirectory}; built-in relation checks not run");
        output.WriteLine($"checking {dir}");
        return RelationReader.Load(dir!);
    }

    [SkippableFact]
    public void BuiltInSetHasEnoughRelationsAndFacts()
    {
        var set = LoadBuiltIn();
        Assert.True(set.RelationIds.Count >= 12, $"only {set.RelationIds.Count} relations: {string.Join(", ", set.RelationIds)}");
        foreach (var r in set.All)
        {
            Assert.True(r.Samples.Count >= 60, $"{r.SourcePath}: {r.Key} has {r.Samples.Count} facts, fewer than 60");
            foreach (var t in r.PromptTemplates)
                Assert.True(RelationReader.SlotCount(t) == 1, $"{r.SourcePath}: template \"{t}\" must have exactly one slot");
            Assert.All(r.Samples, s => Assert.Equal(s.Object, s.Answers[0]));
        }
    }

    [SkippableFact]
    public void EveryLanguageCoversEveryRelationWithTheSameFacts()
    {
        var set = LoadBuiltIn();
        foreach (string id in set.RelationIds)
        {
            var variants = set.InAllLanguages(id);
            var missing = set.Languages.Except(variants.Select(v => v.Language)).ToArray();
            Assert.True(missing.Length == 0, $"relation '{id}' is missing in: {string.Join(", ", missing)}");
            var reference = variants[0].Samples.Select(s => s.Id).ToHashSet();
            foreach (var v in variants.Skip(1))
            {
                var ids = v.Samples.Select(s => s.Id).ToHashSet();
                Assert.True(ids.SetEquals(reference),
                    $"relation '{id}': fact ids differ between {variants[0].Language} and {v.Language}; " +
                    $"only in {variants[0].Language}: {string.Join(", ", reference.Except(ids).Take(10))}; " +
                    $"only in {v.Language}: {string.Join(", ", ids.Except(reference).Take(10))}");
            }
        }
    }

    [SkippableFact]
    public void BuiltInSetSplitsWithDefaults()
    {
        var set = LoadBuiltIn();
        var sets = PromptSplitter.Split(set, new PromptSplitOptions());
        Assert.NotEmpty(sets.Test);
        output.WriteLine($"{set.RelationIds.Count} relations in {set.Languages.Count} languages: " +
                         $"{sets.Identification.Count} identification prompts, {sets.Test.Count} test prompts");
    }
}
