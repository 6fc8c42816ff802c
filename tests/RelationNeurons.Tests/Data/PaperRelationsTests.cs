using System.Text.Json;
using System.Text.RegularExpressions;
using RelationNeurons.Data;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Data;

/// <summary>
/// The built-in relation set 'paper' (data/relations/paper): the paper's twelve relations with
/// every LRE fact (data/lre), the fixed evaluation facts (P^eva) in six languages, P^eva-2 and
/// the object sentences. Runs whenever the folders exist; otherwise each test says so and returns.
/// </summary>
public class PaperRelationsTests
{
    public static readonly string[] PaperIds =
    [
        "company_ceo", "company_hq", "landmark_continent", "landmark_country", "person_father", "person_mother",
        "person_occupation", "person_plays_instrument", "person_pro_sport", "person_sport_position", "product_company", "star_constellation",
    ];

    /// <summary>Paper name → LRE file (data/lre/README.md).</summary>
    private static readonly Dictionary<string, string> LreFiles = new()
    {
        ["company_ceo"] = "company_ceo.json", ["company_hq"] = "company_hq.json",
        ["landmark_continent"] = "landmark_on_continent.json", ["landmark_country"] = "landmark_in_country.json",
        ["person_father"] = "person_father.json", ["person_mother"] = "person_mother.json",
        ["person_occupation"] = "person_occupation.json", ["person_plays_instrument"] = "person_plays_instrument.json",
        ["person_pro_sport"] = "person_plays_pro_sport.json", ["person_sport_position"] = "person_plays_position_in_sport.json",
        ["product_company"] = "product_by_company.json", ["star_constellation"] = "star_constellation.json",
    };

    /// <summary>LRE's sample rows per relation (the paper's fact counts).</summary>
    private static readonly Dictionary<string, int> LreRows = new()
    {
        ["company_ceo"] = 298, ["company_hq"] = 674, ["landmark_continent"] = 947, ["landmark_country"] = 836,
        ["person_father"] = 991, ["person_mother"] = 994, ["person_occupation"] = 821, ["person_plays_instrument"] = 513,
        ["person_pro_sport"] = 318, ["person_sport_position"] = 952, ["product_company"] = 522, ["star_constellation"] = 362,
    };

    public static readonly string[] Languages = ["de", "en", "es", "fr", "ja", "zh"];

    /// <summary>The paper's "? Answer:" in each language: every prompt template ends with it.</summary>
    public static readonly Dictionary<string, string> AnswerCue = new()
    {
        ["en"] = "? Answer:", ["de"] = "? Antwort:", ["es"] = "? Respuesta:", ["fr"] = " ? Réponse :", ["zh"] = "？答案：", ["ja"] = "？答え：",
    };

    /// <summary>Words naming a relation: object sentences contain none (tools/relations/paper/relations.py).</summary>
    private static readonly Dictionary<string, string[]> RelationWords = new()
    {
        ["company_ceo"] = ["CEO", "chief executive", "executive", "head of", "leads", "runs"],
        ["company_hq"] = ["headquarter", "head office", "based in", "company"],
        ["landmark_continent"] = ["continent", "landmark", "located on"],
        ["landmark_country"] = ["country", "landmark"],
        ["person_father"] = ["father", "dad", "son", "daughter", "child", "parent"],
        ["person_mother"] = ["mother", "mom", "mum", "son", "daughter", "child", "parent"],
        ["person_occupation"] = ["works as", "profession", "occupation", "job"],
        ["person_plays_instrument"] = ["play", "instrument"],
        ["person_pro_sport"] = ["play", "sport", "professional"],
        ["person_sport_position"] = ["play", "position"],
        ["product_company"] = ["product", "created", "developed", "made by", "manufactur", "maker"],
        ["star_constellation"] = ["constellation", "star"],
    };

    private static string Folder(string relative)
    {
        string? dir = BuiltInPaths.Find(relative, [AppContext.BaseDirectory]);
        Skip.If(dir is null, $"{relative} not found above {AppContext.BaseDirectory}; check not run");
        return dir!;
    }

    private static RelationSet LoadPaper() => RelationReader.Load(Folder(Path.Combine(BuiltInPaths.RelationsRelative, BuiltInPaths.PaperRelations)));

    [SkippableFact]
    public void TwelveRelationsUnderThePapersNamesWithEveryLreFact()
    {
        var set = LoadPaper();
        string lre = Folder(Path.Combine("data", "lre"));
        Assert.Equal(PaperIds, set.RelationIds);
        foreach (string id in PaperIds)
        {
            var en = set.Get(id, "en");
            Assert.Equal(LreRows[id], en.SourceSamples);
            // The LRE file, read as it is, gives the same facts (ids, subjects, answers).
            var source = RelationReader.Load(Path.Combine(lre, LreFiles[id])).All.Single();
            Assert.Equal(LreRows[id], source.SourceSamples);
            Assert.Equal(source.Samples.Select(s => (s.Id, s.Subject, s.Object, string.Join("|", s.Answers))),
                en.Samples.Select(s => (s.Id, s.Subject, s.Object, string.Join("|", s.Answers))));
            // The LRE templates in the paper's format.
            Assert.Equal(source.PromptTemplates.Select(t => t + AnswerCue["en"]), en.PromptTemplates);
        }
        Assert.Equal("The CEO of NVIDIA is? Answer:", Prompt.Fill(set.Get("company_ceo", "en").PromptTemplates[1], "NVIDIA"));
    }

    [SkippableFact]
    public void AlternativeTestPromptsArePevaTwoTheSameFactsInEnglishOnly()
    {
        var set = LoadPaper();
        var options = new PromptSplitOptions();
        var test = PromptSplitter.Split(set, options).Test;
        var alternative = PromptSplitter.AlternativeTestPrompts(set, options);
        Assert.All(alternative, p => Assert.Equal(("en", PromptSplit.Test), (p.Language, p.Split)));
        foreach (string id in PaperIds)
        {
            var facts = test.Where(p => p.Relation == id && p.Language == "en").Select(p => p.FactId).Order(StringComparer.Ordinal);
            var mine = alternative.Where(p => p.Relation == id).ToArray();
            Assert.Equal(facts, mine.Select(p => p.FactId).Order(StringComparer.Ordinal));
            // Another template than any detection or P^eva prompt, with the same suffix.
            Assert.All(mine, p => Assert.Equal(set.Get(id, "en").AlternativeTemplates[0], p.Template));
            Assert.All(mine, p => Assert.EndsWith(Relation.PaperSuffix, p.Text));
        }
        // The object sentences go to the run's prompts folder as they are in the files (Table 2: at most 50 per relation).
        var sentences = ObjectSentenceFile.Of(set);
        Assert.All(sentences.GroupBy(s => s.Relation), g => Assert.InRange(g.Count(), 1, 50));
        Assert.All(sentences, s => Assert.Contains(s.Object, s.Text));
    }

    [SkippableFact]
    public void StoredSplitIsTheSplittersSplitForSeedZero()
    {
        var set = LoadPaper();
        var english = set.ForLanguage("en");
        var stored = english.ToDictionary(r => r.Id, r => r.FixedTestFacts!);
        // The same facts with no split marks: the seeded splitter must hold out the stored facts.
        var unmarked = new RelationSet(english.Select(r => r with { Samples = r.Samples.Select(s => s with { Split = null }).ToArray() }));
        var chosen = PromptSplitter.ChooseTestFacts(unmarked, new PromptSplitOptions { Seed = 0 });
        foreach (string id in PaperIds)
        {
            Assert.Equal(50, stored[id].Count);
            Assert.True(chosen[id].SetEquals(stored[id]),
                $"{id}: stored test facts differ from the splitter's: only stored {string.Join(", ", stored[id].Except(chosen[id]))}; " +
                $"only chosen {string.Join(", ", chosen[id].Except(stored[id]))}");
        }
        // Another seed gives other facts for the same unmarked set (the stored split is seed 0's).
        var other = PromptSplitter.ChooseTestFacts(unmarked, new PromptSplitOptions { Seed = 1 });
        Assert.False(other["company_ceo"].SetEquals(stored["company_ceo"]));
    }

    [SkippableFact]
    public void NoSubjectIsInBothSplitsNotEvenAcrossFatherAndMother()
    {
        var set = LoadPaper();
        var sets = PromptSplitter.Split(set, new PromptSplitOptions { Languages = ["en"] });
        var testSubjects = sets.Test.Select(p => Slug.From(p.Subject)).ToHashSet();
        var identSubjects = sets.Identification.Select(p => Slug.From(p.Subject)).ToHashSet();
        var both = testSubjects.Intersect(identSubjects).ToArray();
        Assert.True(both.Length == 0, $"subjects in both splits: {string.Join(", ", both.Take(20))}");

        // person_father and person_mother share most subjects; some of them are evaluation facts of both.
        var father = set.Get("person_father", "en");
        var mother = set.Get("person_mother", "en");
        var fatherTest = father.Samples.Where(s => s.Split == PromptSplit.Test).Select(s => s.Subject).ToHashSet();
        var motherTest = mother.Samples.Where(s => s.Split == PromptSplit.Test).Select(s => s.Subject).ToHashSet();
        var shared = father.Samples.Select(s => s.Subject).Intersect(mother.Samples.Select(s => s.Subject)).ToArray();
        Assert.True(shared.Length > 500);
        foreach (string subject in shared) Assert.Equal(fatherTest.Contains(subject), motherTest.Contains(subject));
        Assert.Contains(shared, fatherTest.Contains);
    }

    [SkippableFact]
    public void EveryEvaluationFactExistsInAllSixLanguages()
    {
        var set = LoadPaper();
        Assert.Equal(Languages, set.Languages);
        foreach (string id in PaperIds)
        {
            var en = set.Get(id, "en");
            var evaluation = en.FixedTestFacts!;
            var english = en.Samples.ToDictionary(s => s.Id);
            foreach (string language in Languages)
            {
                var r = set.Get(id, language);
                if (language != "en")
                {
                    Assert.Equal(evaluation.Order(StringComparer.Ordinal), r.Samples.Select(s => s.Id).Order(StringComparer.Ordinal));
                    Assert.All(r.Samples, s => Assert.Equal(PromptSplit.Test, s.Split));
                    Assert.Single(r.PromptTemplates);
                }
                foreach (string template in r.PromptTemplates.Concat(r.AlternativeTemplates))
                    Assert.True(template.EndsWith(AnswerCue[language], StringComparison.Ordinal), $"{r.SourcePath}: \"{template}\" does not end with \"{AnswerCue[language]}\"");
                foreach (var s in r.Samples)
                {
                    Assert.False(string.IsNullOrWhiteSpace(s.Object), $"{r.SourcePath}: {s.Id} has an empty object");
                    Assert.All(r.PromptTemplates, t => Assert.NotEqual(t, s.Object));
                    Assert.DoesNotContain("{}", s.Object);
                    Assert.All(s.Answers, a => Assert.False(string.IsNullOrWhiteSpace(a)));
                }
            }
        }
    }

    [SkippableFact]
    public void SourceFormMarksSayWhichEntriesKeepTheEnglishForm()
    {
        string? dir = Folder(Path.Combine(BuiltInPaths.RelationsRelative, BuiltInPaths.PaperRelations));
        var set = RelationReader.Load(dir);
        foreach (string language in Languages.Where(l => l != "en"))
        {
            foreach (string id in PaperIds)
            {
                var en = set.Get(id, "en").Samples.ToDictionary(s => s.Id);
                string path = Path.Combine(dir, language, id + ".json");
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                foreach (var sample in doc.RootElement.GetProperty("samples").EnumerateArray())
                {
                    string factId = sample.GetProperty("id").GetString()!;
                    var kept = sample.TryGetProperty("source_form", out var sf) ? sf.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
                    Assert.True(kept.IsSubsetOf(["subject", "object"]), $"{path}: {factId}: source_form may list only subject and object");
                    foreach (string field in (string[])["subject", "object"])
                    {
                        bool same = sample.GetProperty(field).GetString() == (field == "subject" ? en[factId].Subject : en[factId].Object);
                        Assert.True(same == kept.Contains(field), $"{path}: {factId}: {field} {(same ? "keeps the English form but is not marked" : "is marked source_form but differs from English")}");
                    }
                }
            }
        }
    }

    [SkippableFact]
    public void PromptsGiveFiftyTestPromptsPerRelationAndLanguage()
    {
        var set = LoadPaper();
        foreach (ulong seed in (ulong[])[0, 5])
        {
            var sets = PromptSplitter.Split(set, new PromptSplitOptions { Seed = seed });
            foreach (string id in PaperIds)
                foreach (string language in Languages)
                {
                    var test = sets.Test.Where(p => p.Relation == id && p.Language == language).ToArray();
                    Assert.Equal(50, test.Length);
                    Assert.All(test, p => Assert.EndsWith(AnswerCue[language], p.Text));
                    Assert.All(test, p => Assert.Equal(0, p.TemplateIndex));
                }
            // Detection prompts: English only, every fact not held out, with every template.
            Assert.All(sets.Identification, p => Assert.Equal("en", p.Language));
            Assert.Equal(set.ForLanguage("en").Sum(r => (r.Samples.Count - 50) * r.PromptTemplates.Count), sets.Identification.Count);
            var testFacts = sets.Test.Select(p => (p.Relation, p.FactId)).ToHashSet();
            Assert.DoesNotContain(sets.Identification, p => testFacts.Contains((p.Relation, p.FactId)));
        }
    }

    [SkippableFact]
    public void SecondTemplateGivesTheSameFactsInAnotherWording()
    {
        var set = LoadPaper();
        var first = PromptSplitter.Split(set, new PromptSplitOptions { Languages = ["en"] }).Test;
        var second = PromptSplitter.Split(set, new PromptSplitOptions { Languages = ["en"], TestTemplates = TestTemplates.Alternative }).Test;
        Assert.Equal(first.Select(p => (p.Relation, p.FactId)), second.Select(p => (p.Relation, p.FactId)));
        foreach (var r in set.ForLanguage("en"))
        {
            Assert.Single(r.AlternativeTemplates);
            Assert.DoesNotContain(r.AlternativeTemplates[0], r.PromptTemplates);
        }
        Assert.All(second, p => Assert.Equal(set.Get(p.Relation, "en").PromptTemplates.Count, p.TemplateIndex));
        // Other languages have no second template.
        Assert.Throws<UserInputException>(() => PromptSplitter.Split(set, new PromptSplitOptions { TestTemplates = TestTemplates.Alternative }));
    }

    [SkippableFact]
    public void ObjectSentencesContainAnObjectAndNeitherASubjectNorTheRelation()
    {
        var set = LoadPaper();
        foreach (var r in set.ForLanguage("en"))
        {
            Assert.InRange(r.ObjectSentences.Count, 4, 50);
            var objects = r.Samples.SelectMany(s => s.Answers).ToHashSet();
            var subjects = r.Samples.Select(s => Words(s.Subject)).ToArray();
            foreach (var sentence in r.ObjectSentences)
            {
                Assert.Contains(sentence.Object, objects);
                Assert.Contains(sentence.Object, sentence.Text);
                var words = Words(sentence.Text);
                var hit = subjects.FirstOrDefault(s => ContainsRun(words, s));
                Assert.True(hit is null, $"{r.Id}: \"{sentence.Text}\" contains the subject \"{string.Join(' ', hit ?? [])}\"");
                foreach (string w in RelationWords[r.Id])
                    Assert.False(Regex.IsMatch(sentence.Text, @"\b" + Regex.Escape(w), RegexOptions.IgnoreCase), $"{r.Id}: \"{sentence.Text}\" names the relation (\"{w}\")");
            }
            Assert.Equal(r.ObjectSentences.Count, r.ObjectSentences.Select(s => s.Text).Distinct().Count());
        }
        Assert.Contains(set.Get("landmark_country", "en").ObjectSentences, s => s.Text.StartsWith("Every year, thousands of tourists visit the historic site located in ", StringComparison.Ordinal));
    }

    private static string[] Words(string text) => Slug.From(text).Split('_', StringSplitOptions.RemoveEmptyEntries);

    private static bool ContainsRun(string[] haystack, string[] needle)
    {
        if (needle.Length == 0) return false;
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return true;
        return false;
    }
}
