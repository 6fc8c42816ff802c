using System.Text.Json.Nodes;
using RelationNeurons.Data;

namespace RelationNeurons.Tests.Data;

/// <summary>
/// Relation files that fix their own test split (translations of the evaluation facts), the
/// other new fields (alternative templates, object sentences, source row counts), the splitter's
/// rule that no subject is on both sides (across relations too), and the errors for bad input.
/// </summary>
public class FixedSplitTests
{
    /// <summary>A relation file: facts "f000".. with subjects "<paramref name="subject"/> i"; the ids in <paramref name="test"/> marked "test".</summary>
    private static string File(string id, string language, int facts, IEnumerable<int> test, string subject = "thing", int first = 0,
        string? alternative = null, JsonArray? sentences = null)
    {
        var held = test.ToHashSet();
        var root = new JsonObject
        {
            ["id"] = id,
            ["language"] = language,
            ["prompt_templates"] = new JsonArray("{} is? Answer:", "The value of {} is? Answer:"),
            ["samples"] = new JsonArray(Enumerable.Range(first, facts).Select(i =>
            {
                var s = new JsonObject { ["id"] = $"f{i:D3}", ["subject"] = $"{subject} {i}", ["object"] = $"value {i}" };
                if (held.Contains(i)) s["split"] = "test";
                return (JsonNode)s;
            }).ToArray()),
        };
        if (alternative is not null) root["alternative_templates"] = new JsonArray(alternative);
        if (sentences is not null) root["object_sentences"] = sentences;
        return root.ToJsonString();
    }

    private static readonly int[] TestFacts = [3, 5, 8, 13, 21];

    /// <summary>English with 40 facts (5 marked test); German with only the 5 test facts.</summary>
    private static string WriteTranslated(TempDir dir, IEnumerable<int>? germanFacts = null)
    {
        dir.Write("en/r.json", File("r", "en", 40, TestFacts, alternative: "What is {}? Answer:"));
        var de = new JsonObject
        {
            ["id"] = "r", ["language"] = "de", ["prompt_templates"] = new JsonArray("{} ist? Antwort:"),
            ["samples"] = new JsonArray((germanFacts ?? TestFacts).Select(i => (JsonNode)new JsonObject
            {
                ["id"] = $"f{i:D3}", ["subject"] = $"Ding {i}", ["object"] = $"Wert {i}", ["split"] = "test",
            }).ToArray()),
        };
        dir.Write("de/r.json", de.ToJsonString());
        return dir.Path;
    }

    [Fact]
    public void FixedSplitIsKeptForEverySeedAndTranslationsGetTestPromptsOnly()
    {
        using var dir = new TempDir();
        var set = RelationReader.Load(WriteTranslated(dir));
        Assert.Equal(TestFacts.Select(i => $"f{i:D3}"), set.Get("r", "en").FixedTestFacts!.Order());
        foreach (ulong seed in (ulong[])[0, 1, 99])
        {
            var sets = PromptSplitter.Split(set, new PromptSplitOptions { Seed = seed });
            Assert.Equal(5, sets.Test.Count(p => p.Language == "de"));
            Assert.Equal(5, sets.Test.Count(p => p.Language == "en"));
            Assert.Equal(TestFacts.Select(i => $"f{i:D3}"), sets.Test.Where(p => p.Language == "en").Select(p => p.FactId));
            Assert.DoesNotContain(sets.Identification, p => p.Language == "de");
            Assert.Equal((40 - 5) * 2, sets.Identification.Count);
        }
        Assert.Equal(5, PromptSplitter.ChooseTestFacts(set, new PromptSplitOptions())["r"].Count);
    }

    [Fact]
    public void TranslationWithOtherFactIdsIsAnErrorListingMissingAndExtraIds()
    {
        using var dir = new TempDir();
        WriteTranslated(dir, germanFacts: [3, 5, 8, 34]);
        var e = Assert.Throws<UserInputException>(() => RelationReader.Load(dir.Path));
        Assert.Contains("de", e.Message);
        Assert.Contains("r.json", e.Message);
        Assert.Contains("missing 2 (f013, f021)", e.Message);
        Assert.Contains("extra 1 (f034)", e.Message);
    }

    [Fact]
    public void SplitMarkedInOneLanguageOnlyIsAnError()
    {
        using var dir = new TempDir();
        dir.Write("en/r.json", File("r", "en", 40, TestFacts));
        dir.Write("de/r.json", File("r", "de", 40, []));
        var e = Assert.Throws<UserInputException>(() => RelationReader.Load(dir.Path));
        Assert.Contains("fixes the test split", e.Message);
        Assert.Contains("'de'", e.Message);
    }

    [Fact]
    public void TestSizeDoesNotApplyToAFixedSplit()
    {
        using var dir = new TempDir();
        var set = RelationReader.Load(WriteTranslated(dir));
        var e = Assert.Throws<UserInputException>(() => PromptSplitter.Split(set, new PromptSplitOptions { TestSize = TestSize.OfCount(3) }));
        Assert.Contains("fixes its own test split", e.Message);
    }

    [Fact]
    public void BadSplitValueIsAnError()
    {
        string json = """{"id": "r", "prompt_templates": ["{} is"], "samples": [{"id": "a", "subject": "A", "object": "x", "split": "eval"}]}""";
        var e = Assert.Throws<UserInputException>(() => RelationReader.Parse(json, "r.json"));
        Assert.Contains("r.json: samples[0]: split 'eval'", e.Message);
    }

    [Fact]
    public void AlternativeTemplatesGiveTestPromptsInAnotherWording()
    {
        using var dir = new TempDir();
        var set = RelationReader.Load(WriteTranslated(dir));
        var en = set.Get("r", "en");
        Assert.Equal(["What is {}? Answer:"], en.AlternativeTemplates);
        var sets = PromptSplitter.Split(set, new PromptSplitOptions { Languages = ["en"], TestTemplates = TestTemplates.Alternative });
        Assert.Equal(5, sets.Test.Count);
        Assert.All(sets.Test, p => Assert.Equal(2, p.TemplateIndex));
        Assert.All(sets.Test, p => Assert.Equal($"What is {p.Subject}? Answer:", p.Text));
        // Identification prompts never use them.
        Assert.DoesNotContain(sets.Identification, p => p.Template == "What is {}? Answer:");
        // A language without them: a user error naming it.
        var e = Assert.Throws<UserInputException>(() => PromptSplitter.Split(set, new PromptSplitOptions { TestTemplates = TestTemplates.Alternative }));
        Assert.Contains("'de'", e.Message);
        Assert.Contains("alternative_templates", e.Message);
        // Written and read back through the prompt file.
        var line = PromptFile.ToJsonLine(sets.Test[0]);
        Assert.Equal(2, PromptFile.ParseLine(line, "x").TemplateIndex);
    }

    [Fact]
    public void ObjectSentencesAndSourceRowsAreRead()
    {
        var sentences = new JsonArray(new JsonObject { ["object"] = "value 1", ["text"] = "We talked about value 1 today." });
        var r = RelationReader.Parse(File("r", "en", 3, [], sentences: sentences), "r.json");
        Assert.Equal([new ObjectSentence("value 1", "We talked about value 1 today.")], r.ObjectSentences);
        Assert.Equal(3, r.SourceSamples);

        var bad = new JsonArray(new JsonObject { ["object"] = "value 1", ["text"] = "Nothing here." });
        var e = Assert.Throws<UserInputException>(() => RelationReader.Parse(File("r", "en", 3, [], sentences: bad), "r.json"));
        Assert.Contains("object_sentences[0]", e.Message);
        Assert.Contains("does not contain its object", e.Message);

        var withSource = RelationReader.Parse("""
            {"id": "r", "source": {"data_set": "LRE", "samples": 522}, "prompt_templates": ["{} is"], "samples": [{"id": "a", "subject": "A", "object": "x"}]}
            """, "r.json");
        Assert.Equal(522, withSource.SourceSamples);
    }

    [Fact]
    public void LreRowsOfOneSubjectAreOneFactAndCountAsRows()
    {
        // LRE's product_by_company lists some rows twice and some subjects with two objects.
        var r = RelationReader.Parse("""
            {"name": "product by company", "prompt_templates": ["{} was created by"],
             "samples": [{"subject": "iPod", "object": "Apple"}, {"subject": "iPod", "object": "Apple"},
                         {"subject": "Tizen", "object": "Samsung"}, {"subject": "Tizen", "object": "Intel"}]}
            """, "product_by_company.json");
        Assert.Equal(["ipod", "tizen"], r.Samples.Select(s => s.Id));
        Assert.Equal(["Apple"], r.Samples[0].Answers);
        Assert.Equal(["Samsung", "Intel"], r.Samples[1].Answers);
        Assert.Equal(4, r.SourceSamples);
    }

    public static TheoryData<string, string[]> BadLreFiles => new()
    {
        // A missing field: the file, the row and the fact it belongs to.
        { """{"name": "company CEO", "prompt_templates": ["{}'s CEO is"], "samples": [{"subject": "Apple", "object": "Tim Cook"}, {"object": "Satya Nadella"}]}""",
          ["lre.json: samples[1]: missing 'subject'", "object \"Satya Nadella\""] },
        { """{"name": "company CEO", "prompt_templates": ["{}'s CEO is"], "samples": [{"subject": "Apple"}]}""",
          ["lre.json: samples[0]: missing 'object'", "subject \"Apple\""] },
        { """{"name": "company CEO", "prompt_templates": [], "samples": [{"subject": "Apple", "object": "Tim Cook"}]}""",
          ["lre.json: 'prompt_templates' is empty"] },
        { """{"name": "company CEO", "samples": [{"subject": "Apple", "object": "Tim Cook"}]}""",
          ["lre.json: missing 'prompt_templates'"] },
        // Duplicate facts in a file with ids: the same id twice, or the same subject and object under two ids.
        { """{"id": "r", "prompt_templates": ["{} is"], "samples": [{"id": "a", "subject": "A", "object": "x"}, {"id": "a", "subject": "B", "object": "y"}]}""",
          ["lre.json: samples[1]: duplicate fact id 'a'"] },
        { """{"id": "r", "prompt_templates": ["{} is"], "samples": [{"id": "a", "subject": "Apple", "object": "Tim Cook"}, {"id": "b", "subject": "Apple", "object": "Tim Cook"}]}""",
          ["lre.json: samples[1]: duplicate fact: subject \"Apple\" with object \"Tim Cook\" is already fact 'a'"] },
    };

    [Theory]
    [MemberData(nameof(BadLreFiles))]
    public void BadFileIsAUserErrorNamingFileAndFact(string json, string[] expected)
    {
        var e = Assert.Throws<UserInputException>(() => RelationReader.Parse(json, "lre.json"));
        foreach (string part in expected) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void SharedSubjectsAreNeverOnBothSides()
    {
        // Two relations over mostly the same people (like person_father and person_mother),
        // plus a third with no shared subject.
        var father = new Relation { Id = "father", Name = "father", Language = "en", PromptTemplates = ["{}'s father is"],
            Samples = Enumerable.Range(0, 150).Select(i => new RelationSample($"p{i}", $"Person {i}", $"Dad {i}", [$"Dad {i}"])).ToArray() };
        var mother = new Relation { Id = "mother", Name = "mother", Language = "en", PromptTemplates = ["{}'s mother is"],
            Samples = Enumerable.Range(30, 150).Select(i => new RelationSample($"p{i}", $"Person {i}", $"Mum {i}", [$"Mum {i}"])).ToArray() };
        var other = new Relation { Id = "other", Name = "other", Language = "en", PromptTemplates = ["{} is"],
            Samples = Enumerable.Range(0, 120).Select(i => new RelationSample($"t{i}", $"Thing {i}", $"Value {i}", [$"Value {i}"])).ToArray() };
        var set = new RelationSet([father, mother, other]);
        var sharedSeen = 0;
        for (ulong seed = 0; seed < 30; seed++)
        {
            var sets = PromptSplitter.Split(set, new PromptSplitOptions { Seed = seed });
            var test = sets.Test.Select(p => p.Subject).ToHashSet();
            var ident = sets.Identification.Select(p => p.Subject).ToHashSet();
            Assert.Empty(test.Intersect(ident));
            Assert.All(sets.Test.GroupBy(p => p.Relation), g => Assert.Equal(50, g.Count()));
            sharedSeen += sets.Test.Where(p => p.Relation == "father").Count(p => int.Parse(p.FactId[1..]) >= 30 && int.Parse(p.FactId[1..]) < 150);
        }
        Assert.True(sharedSeen > 0, "shared subjects are held out too (in both relations at once)");

        // A relation that shares no subject is split exactly as on its own.
        var alone = PromptSplitter.ChooseTestFacts("other", [other], new PromptSplitOptions { Seed = 4 });
        Assert.True(alone.SetEquals(PromptSplitter.ChooseTestFacts(set, new PromptSplitOptions { Seed = 4 })["other"]));
    }

    [Fact]
    public void SubjectsAreComparedAsSlugsWithinARelationToo()
    {
        // LRE's company_ceo has "NVIDIA" and "Nvidia" as two facts: both or neither are held out.
        var samples = Enumerable.Range(0, 117).Select(i => new RelationSample($"c{i}", $"Company {i}", $"Boss {i}", [$"Boss {i}"]))
            .Append(new RelationSample("nvidia", "NVIDIA", "Jensen Huang", ["Jensen Huang"]))
            .Append(new RelationSample("nvidia_2", "Nvidia", "Jen-Hsun Huang", ["Jen-Hsun Huang"]))
            .Append(new RelationSample("nvidia_3", "NVIDIA", "Colette Kress", ["Colette Kress"])).ToArray();
        var r = new Relation { Id = "ceo", Name = "ceo", Language = "en", PromptTemplates = ["{}'s CEO is"], Samples = samples };
        bool heldOut = false;
        for (ulong seed = 0; seed < 40; seed++)
        {
            var test = PromptSplitter.ChooseTestFacts("ceo", [r], new PromptSplitOptions { Seed = seed });
            Assert.Equal(test.Contains("nvidia"), test.Contains("nvidia_2"));
            Assert.Equal(test.Contains("nvidia"), test.Contains("nvidia_3"));
            Assert.Equal(50, test.Count);
            heldOut |= test.Contains("nvidia");
        }
        Assert.True(heldOut);
    }

    [SkippableFact]
    public void BuiltInSetNamesResolveToTheirFolders()
    {
        string? paper = BuiltInPaths.Find(Path.Combine(BuiltInPaths.RelationsRelative, BuiltInPaths.PaperRelations), [AppContext.BaseDirectory]);
        Skip.If(paper is null, "data/relations/paper not found; check not run");
        Assert.Equal(Path.GetFullPath(paper), Path.GetFullPath(BuiltInPaths.ResolveRelations("paper")));
        Assert.EndsWith(Path.Combine("data", "relations", BuiltInPaths.DefaultRelations), BuiltInPaths.ResolveRelations(null));
        Assert.Equal("no/such/folder", BuiltInPaths.ResolveRelations("no/such/folder"));
        using var dir = new TempDir();
        Assert.Equal(dir.Path, BuiltInPaths.ResolveRelations(dir.Path));
    }
}
