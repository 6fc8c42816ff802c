using RelationNeurons.Data;
using RelationNeurons.Randomness;

namespace RelationNeurons.Tests.Data;

public class PromptSplitterTests
{
    private static RelationSet Sample(TempDir dir, int bigFacts = 120) => RelationReader.Load(SampleRelations.Write(dir, bigFacts));

    [Fact]
    public void DefaultSplitFollowsTheMethodSizes()
    {
        using var dir = new TempDir();
        var sets = PromptSplitter.Split(Sample(dir), new PromptSplitOptions());
        int TestFacts(string rel, string lang) => sets.Test.Count(p => p.Relation == rel && p.Language == lang);
        Assert.Equal(50, TestFacts("widget_maker", "en"));   // ≥ 100 facts: 50
        Assert.Equal(3, TestFacts("country_capital", "en")); // 12 facts: 25 %
        Assert.Equal(5, TestFacts("gadget_color", "en"));    // 20 facts: 25 %
        // Identification: the remaining facts with every template.
        Assert.Equal((120 - 50) * 2, sets.Identification.Count(p => p.Relation == "widget_maker" && p.Language == "en"));
        Assert.Equal((120 - 50) * 1, sets.Identification.Count(p => p.Relation == "widget_maker" && p.Language == "de"));
        Assert.All(sets.Test, p => Assert.Equal(0, p.TemplateIndex));
        Assert.All(sets.Test, p => Assert.Equal(PromptSplit.Test, p.Split));
        Assert.All(sets.Identification, p => Assert.Equal(PromptSplit.Identification, p.Split));
    }

    [Fact]
    public void SplitIsDisjointByFactAndTheSameFactsAreHeldOutInEveryLanguage()
    {
        using var dir = new TempDir();
        var sets = PromptSplitter.Split(Sample(dir), new PromptSplitOptions { Seed = 7 });
        foreach (var group in sets.Test.GroupBy(p => p.Relation))
        {
            var testIdsByLang = group.GroupBy(p => p.Language).ToDictionary(g => g.Key, g => g.Select(p => p.FactId).ToHashSet());
            var first = testIdsByLang.Values.First();
            Assert.All(testIdsByLang.Values, ids => Assert.True(ids.SetEquals(first)));
            var identIds = sets.Identification.Where(p => p.Relation == group.Key).Select(p => p.FactId).ToHashSet();
            Assert.Empty(identIds.Intersect(first));
        }
    }

    [Fact]
    public void SameSeedSameSplitDifferentSeedDifferentSplit()
    {
        using var dir = new TempDir();
        var set = Sample(dir);
        string Render(PromptSets s) => string.Join('\n', s.Identification.Concat(s.Test).Select(PromptFile.ToJsonLine));
        string a = Render(PromptSplitter.Split(set, new PromptSplitOptions { Seed = 1 }));
        string b = Render(PromptSplitter.Split(set, new PromptSplitOptions { Seed = 1 }));
        string c = Render(PromptSplitter.Split(set, new PromptSplitOptions { Seed = 2 }));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void SplitIsPinnedForSeedZero()
    {
        // The generator's output is part of the file format's promise: this must never change.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
    }

    [Fact]
    public void RelationSplitDoesNotDependOnOtherRelationsOrFileOrder()
    {
        using var dir = new TempDir();
        var set = Sample(dir);
        var all = PromptSplitter.Split(set, new PromptSplitOptions { Seed = 3 });
        var only = PromptSplitter.Split(set, new PromptSplitOptions { Seed = 3, Relations = ["country_capital"] });
        Assert.Equal(
            all.Test.Where(p => p.Relation == "country_capital").Select(p => p.FactId + p.Language),
            only.Test.Select(p => p.FactId + p.Language));

        // Reversed sample order in the file: same held-out facts.
        var reversed = set.Get("country_capital", "en") with { Samples = set.Get("country_capital", "en").Samples.Reverse().ToArray() };
        var againTest = PromptSplitter.ChooseTestFacts("country_capital", [reversed], new PromptSplitOptions { Seed = 3 });
        Assert.True(againTest.SetEquals(only.Test.Where(p => p.Language == "en").Select(p => p.FactId)));
    }

    [Fact]
    public void OptionsCountFractionTemplatesMaxAndLanguages()
    {
        using var dir = new TempDir();
        var set = Sample(dir);
        var counted = PromptSplitter.Split(set, new PromptSplitOptions { TestSize = TestSize.OfCount(4), Languages = ["en"] });
        Assert.All(counted.Test.GroupBy(p => p.Relation), g => Assert.Equal(4, g.Count()));
        Assert.All(counted.Test.Concat(counted.Identification), p => Assert.Equal("en", p.Language));

        var fraction = PromptSplitter.Split(set, new PromptSplitOptions { TestSize = TestSize.Parse("10%"), Relations = ["widget_maker"] });
        Assert.Equal(12, fraction.Test.Count(p => p.Language == "en"));

        var allTemplates = PromptSplitter.Split(set, new PromptSplitOptions { TestTemplates = TestTemplates.All, Relations = ["country_capital"], Languages = ["en"] });
        Assert.Equal(3 * 2, allTemplates.Test.Count);
        Assert.Equal([0, 1], allTemplates.Test.Select(p => p.TemplateIndex).Distinct().Order());

        var capped = PromptSplitter.Split(set, new PromptSplitOptions { MaxIdentificationPrompts = 10 });
        Assert.All(capped.Identification.GroupBy(p => p.RelationKey), g => Assert.True(g.Count() <= 10));
        var cappedAgain = PromptSplitter.Split(set, new PromptSplitOptions { MaxIdentificationPrompts = 10 });
        Assert.Equal(capped.Identification.Select(p => p.Text), cappedAgain.Identification.Select(p => p.Text));
    }

    [Fact]
    public void PromptCarriesEverythingLaterStagesNeed()
    {
        using var dir = new TempDir();
        var sets = PromptSplitter.Split(Sample(dir), new PromptSplitOptions { Relations = ["country_capital"], TestSize = TestSize.OfCount(11) });
        var p = sets.Identification.Single(p => p.Language == "de" && p.TemplateIndex == 1);
        Assert.Equal("{} hat die Hauptstadt", p.Template);
        Assert.Equal(p.Subject + " hat die Hauptstadt", p.Text);
        Assert.Equal(p.Object, p.Answers[0]);
        var en = sets.Identification.Single(q => q.Language == "en" && q.TemplateIndex == 0);
        Assert.Equal(p.FactId, en.FactId);
        Assert.Equal($"The capital of {en.Subject} is", en.Text);
    }

    [Fact]
    public void TooFewFactsIsAUserError()
    {
        using var dir = new TempDir();
        var set = Sample(dir);
        var e = Assert.Throws<UserInputException>(() => PromptSplitter.Split(set, new PromptSplitOptions { TestSize = TestSize.OfCount(12), Relations = ["country_capital"] }));
        Assert.Contains("country_capital", e.Message);
        Assert.Contains("too few", e.Message);

        var tiny = new RelationSet([new Relation
        {
            Id = "tiny", Name = "tiny", Language = "en", PromptTemplates = ["{} is"],
            Samples = [new RelationSample("a", "A", "x", ["x"])],
        }]);
        Assert.Throws<UserInputException>(() => PromptSplitter.Split(tiny, new PromptSplitOptions()));
        Assert.Throws<UserInputException>(() => PromptSplitter.Split(set, new PromptSplitOptions { MaxIdentificationPrompts = 0 }));
    }

    [Fact]
    public void FactsMissingInALanguageAreNeverHeldOut()
    {
        using var dir = new TempDir();
        var set = Sample(dir);
        var en = set.Get("country_capital", "en");
        var de = set.Get("country_capital", "de");
        var deShort = de with { Samples = de.Samples.Where(s => s.Id != "france" && s.Id != "japan").ToArray() };
        var partial = new RelationSet([en, deShort]);
        for (ulong seed = 0; seed < 20; seed++)
        {
            var sets = PromptSplitter.Split(partial, new PromptSplitOptions { Seed = seed });
            Assert.DoesNotContain(sets.Test, p => p.FactId is "france" or "japan");
            Assert.Contains(sets.Identification, p => p.FactId == "france" && p.Language == "en");
        }
    }

    [Theory]
    [InlineData("auto", null, null)]
    [InlineData("50", 50, null)]
    [InlineData("0.2", null, 0.2)]
    [InlineData("20%", null, 0.2)]
    public void TestSizeParses(string text, int? count, double? fraction)
    {
        var t = TestSize.Parse(text);
        Assert.Equal(count, t.Count);
        Assert.Equal(fraction, t.Fraction);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("lots")]
    [InlineData("-3")]
    public void BadTestSizeIsAUserError(string text) => Assert.Throws<UserInputException>(() => TestSize.Parse(text));

    [Fact]
    public void ShuffleIsUniformEnough()
    {
        // Each of 5 items lands first about 1/5 of the time; a broken shuffle (e.g. an
        // off-by-one bound) leaves the last item in place or skews the counts.
        var counts = new int[5];
        var rng = new SplitMix64(42);
        for (int t = 0; t < 20000; t++)
        {
            var items = new List<int> { 0, 1, 2, 3, 4 };
            rng.Shuffle(items);
            counts[items[0]]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 3700, 4300));
    }
}
