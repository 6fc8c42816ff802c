using RelationNeurons.Data;

namespace RelationNeurons.Tests.Data;

public class RelationReaderTests
{
    private const string LreCompanyCeo = """
        {
          "name": "company CEO",
          "prompt_templates": ["{}'s CEO is", "The CEO of {} is", "{} is led by"],
          "prompt_templates_zs": ["Who is the CEO of {}? The CEO is"],
          "properties": {"relation_type": "factual", "domain_name": "company", "range_name": "person", "symmetric": false},
          "samples": [
            {"subject": "Apple", "object": "Tim Cook"},
            {"subject": "Microsoft", "object": "Satya Nadella"},
            {"subject": "Nestlé S.A.", "object": "Mark Schneider"},
            {"subject": "Apple", "object": "Timothy Cook"}
          ]
        }
        """;

    [Fact]
    public void LreFileIsReadAsItIs()
    {
        var r = RelationReader.Parse(LreCompanyCeo, "lre/factual/company_ceo.json");
        Assert.Equal("company_ceo", r.Id);
        Assert.Equal("company CEO", r.Name);
        Assert.Equal("en", r.Language);
        Assert.Equal("company", r.Kind);
        Assert.Equal(3, r.PromptTemplates.Count);
        // The repeated subject is one fact with both objects accepted.
        Assert.Equal(["apple", "microsoft", "nestle_s_a"], r.Samples.Select(s => s.Id));
        Assert.Equal(["Tim Cook", "Timothy Cook"], r.Samples[0].Answers);
        Assert.Equal("Tim Cook", r.Samples[0].Object);
        Assert.Equal(["Satya Nadella"], r.Samples[1].Answers);
    }

    [Fact]
    public void LreFileWithoutNameTakesIdFromFileName()
    {
        var r = RelationReader.Parse("""{"prompt_templates": ["{} plays the"], "samples": [{"subject": "Miles Davis", "object": "trumpet"}]}""",
            "/x/person plays instrument.json");
        Assert.Equal("person_plays_instrument", r.Id);
        Assert.Equal("person_plays_instrument", r.Name);
        Assert.Null(r.Kind);
    }

    [Fact]
    public void ProjectFormatKeepsIdsAndPutsObjectFirstInAnswers()
    {
        var r = RelationReader.Parse("""
            {"id": "country_currency", "name": "country currency", "language": "fr", "kind": "country",
             "prompt_templates": ["La monnaie de {} est"],
             "samples": [{"id": "germany", "subject": "l'Allemagne", "object": "l'euro", "answers": ["euro", "l'euro", "EUR"]}]}
            """, "cur.json");
        Assert.Equal("country_currency", r.Id);
        Assert.Equal("fr", r.Language);
        Assert.Equal("germany", r.Samples[0].Id);
        Assert.Equal(["l'euro", "euro", "EUR"], r.Samples[0].Answers);
    }

    [Fact]
    public void LoadsFolderRecursivelyKeyedByIdAndLanguage()
    {
        using var dir = new TempDir();
        SampleRelations.Write(dir);
        dir.Write("lre/company_ceo.json", LreCompanyCeo);
        var set = RelationReader.Load(dir.Path);
        Assert.Equal(6, set.Count);
        Assert.Equal(["de", "en"], set.Languages);
        Assert.Equal(["company_ceo", "country_capital", "gadget_color", "widget_maker"], set.RelationIds);
        Assert.Equal("Frankreich", set.Get("country_capital", "de").Samples[0].Subject);
        Assert.Equal(2, set.InAllLanguages("country_capital").Count);
        var e = Assert.Throws<UserInputException>(() => set.Get("gadget_color", "de"));
        Assert.Contains("gadget_color", e.Message);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "{\"id\": \"x\",\n  \"samples\": [ {\"subject\": \"a\" \"object\": \"b\"} ] }", "line 2, column" },
        { """{"id": "x", "prompt_templates": ["no slot here"], "samples": [{"subject": "a", "object": "b"}]}""", "prompt_templates[0] \"no slot here\" has 0" },
        { """{"id": "x", "prompt_templates": ["{} and {}"], "samples": [{"subject": "a", "object": "b"}]}""", "has 2 '{}' slots" },
        { """{"id": "x", "language": "eng", "prompt_templates": ["{} is"], "samples": [{"subject": "a", "object": "b"}]}""", "unknown language code 'eng'" },
        { """{"id": "x", "prompt_templates": ["{} is"], "samples": []}""", "'samples' is empty" },
        { """{"id": "x", "prompt_templates": ["{} is"]}""", "missing 'samples'" },
        { """{"id": "x", "samples": [{"subject": "a", "object": "b"}]}""", "missing 'prompt_templates'" },
        { """{"id": "x", "prompt_templates": ["{} is"], "samples": [{"subject": "a", "object": "b"}, {"object": "c"}]}""", "samples[1]: missing 'subject'" },
        { """{"id": "x", "prompt_templates": ["{} is"], "samples": [{"subject": "a"}]}""", "samples[0]: missing 'object'" },
        { """{"id": "x", "prompt_templates": ["{} is"], "samples": [{"subject": "  ", "object": "b"}]}""", "samples[0]: 'subject' is empty" },
        { """{"id": "x", "prompt_templates": ["{} is"], "samples": [{"id": "f", "subject": "a", "object": "b"}, {"id": "f", "subject": "c", "object": "d"}]}""", "duplicate fact id 'f'" },
        { """{"id": "x", "prompt_templates": ["{} is"], "samples": [{"subject": "a", "object": 3}]}""", "'object' must be a string" },
        { """{"id": "bad id!", "prompt_templates": ["{} is"], "samples": [{"subject": "a", "object": "b"}]}""", "relation id 'bad id!'" },
        { """[1, 2]""", "top level is not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadInputGivesUserErrorNamingFileAndProblem(string json, string expected)
    {
        using var dir = new TempDir();
        string path = dir.Write("rel.json", json);
        var e = Assert.Throws<UserInputException>(() => RelationReader.Load(dir.Path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DuplicateRelationIdInOneLanguageIsAnErrorNamingBothFiles()
    {
        using var dir = new TempDir();
        const string body = """{"id": "same", "language": "de", "prompt_templates": ["{} ist"], "samples": [{"subject": "a", "object": "b"}]}""";
        string a = dir.Write("a.json", body);
        string b = dir.Write("sub/b.json", body);
        var e = Assert.Throws<UserInputException>(() => RelationReader.Load(dir.Path));
        Assert.Contains("relation id 'same' in language 'de'", e.Message);
        Assert.Contains(a, e.Message);
        Assert.Contains(b, e.Message);
    }

    [Fact]
    public void SameIdInTwoLanguagesIsFine()
    {
        using var dir = new TempDir();
        dir.Write("a.json", """{"id": "same", "language": "de", "prompt_templates": ["{} ist"], "samples": [{"subject": "a", "object": "b"}]}""");
        dir.Write("b.json", """{"id": "same", "language": "en", "prompt_templates": ["{} is"], "samples": [{"subject": "a", "object": "b"}]}""");
        Assert.Equal(2, RelationReader.Load(dir.Path).Count);
    }

    [Fact]
    public void EveryBadFileIsReportedTogether()
    {
        using var dir = new TempDir();
        dir.Write("one.json", "{");
        dir.Write("two.json", """{"id": "x", "prompt_templates": ["{} is"], "samples": []}""");
        var e = Assert.Throws<UserInputException>(() => RelationReader.Load(dir.Path));
        Assert.StartsWith("2 problems", e.Message);
        Assert.Contains("one.json", e.Message);
        Assert.Contains("two.json", e.Message);
    }

    [Fact]
    public void MissingOrEmptyFolderIsAUserError()
    {
        using var dir = new TempDir();
        Assert.Contains("no relation files", Assert.Throws<UserInputException>(() => RelationReader.Load(dir.Path)).Message);
        Assert.Contains("no such relation file or folder", Assert.Throws<UserInputException>(() => RelationReader.Load(dir.File("absent"))).Message);
    }

    [Fact]
    public void FilterRejectsUnknownNames()
    {
        using var dir = new TempDir();
        var set = RelationReader.Load(SampleRelations.Write(dir));
        Assert.Contains("unknown relation 'nope'", Assert.Throws<UserInputException>(() => set.Filter(["nope"], null)).Message);
        Assert.Contains("language 'fr'", Assert.Throws<UserInputException>(() => set.Filter(null, ["fr"])).Message);
        Assert.Equal(3, set.Filter(null, ["en"]).Count);
    }

    [Fact]
    public void SlugDropsAccentsAndPunctuation()
    {
        Assert.Equal("sao_paulo", Slug.From("São Paulo"));
        Assert.Equal("company_ceo", Slug.From("company CEO"));
        Assert.Equal("o_brien_s_pub", Slug.From("  O'Brien's pub! "));
        Assert.Equal("москва", Slug.From("Москва"));
    }
}
