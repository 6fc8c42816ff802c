using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Method;
using RelationNeurons.Tests.Analysis;

namespace RelationNeurons.Tests.Experiments.Runners;

/// <summary>Fig 7, Fig 8, Table 2, Table 4 and App E on the rule world, whose every number can be worked out by hand.</summary>
public class PaperAnalysesTests
{
    private static readonly ExperimentOptions Options = new()
    {
        RandomSeeds = 2, Random = RandomBaseline.LayerMatched, Sweep = CumulativitySweep.Scales, Statistics = new StatisticsSettings(200, 200, 0.95, 1),
    };

    private static ExperimentOutcome Run(ExperimentKind kind, ExperimentInputs? inputs = null, RuleWorld? world = null, bool probe = true)
    {
        world ??= new RuleWorld();
        var services = new ExperimentServices(probe ? world : null);
        return new ExperimentSuite(inputs ?? RuleWorld.Inputs, Options, world, EvaluationStore.InMemory, services).Run([kind], null).Single();
    }

    [Fact]
    public void Fig7DeactivatesTheEnglishSetsOnEveryLanguageAndNotesMissingTranslations()
    {
        // Relation C has no German prompts: it is left out for German, with a note.
        var inputs = RuleWorld.Inputs with { TestPrompts = RuleWorld.TestPrompts.Where(p => !(p.Relation == "C" && p.Language == "de")).ToArray() };
        var world = new RuleWorld();
        var r = (MultilingualResult)Run(ExperimentKind.Multilingual, inputs, world).Result!;
        Assert.Null(r.Skipped);
        Assert.Equal(["en", "de"], r.Languages);
        Assert.Equal(5, r.Entries.Count);
        Assert.Contains(r.Notes, n => n.Contains("C") && n.Contains("'de'"));
        // The rule ignores the language: facts 0-7 are recalled and all lost with the relation's 10 units off.
        foreach (var e in r.Entries)
        {
            Assert.Equal((0.8, 0.0), (e.Comparison.AccuracyClean, e.Comparison.AccuracyDeactivated));
            Assert.Equal(10, e.NeuronCount);
        }
        // Only the English sets are deactivated: no German set's condition is evaluated.
        Assert.DoesNotContain(world.Calls, c => c.Contains("@de"));
    }

    [Fact]
    public void Fig7WithoutSetsInTheSourceLanguageSaysWhy()
    {
        var inputs = RuleWorld.Inputs with { Sets = new NeuronSetCollection(RuleWorld.Sets.Sets.Where(s => s.Language == "de")) };
        var outcome = Run(ExperimentKind.Multilingual, inputs);
        Assert.Contains("source language 'en'", ((MultilingualResult)outcome.Result!).Skipped);
        Assert.Equal(((MultilingualResult)outcome.Result!).Skipped, outcome.SkipReason);
    }

    [Fact]
    public void Fig8ComparesTheAlternativeTemplateWithTheFirst()
    {
        // P^eva-2: the English facts in another wording; the rule gives them the same outcomes, except that A's set spares fact 3 there.
        var alternative = RuleWorld.TestPrompts.Where(p => p.Language == "en").Select(p => p with { TemplateIndex = 1, Text = "Q: " + p.Text }).ToArray();
        var world = new RuleWorld();
        var r = (TemplatesResult)Run(ExperimentKind.Templates, RuleWorld.Inputs with { AlternativePrompts = alternative }, world).Result!;
        Assert.Null(r.Skipped);
        Assert.Equal(3, r.Entries.Count);
        Assert.All(r.Entries, e =>
        {
            Assert.Equal("en", e.Language);
            Assert.Equal(e.Original.AccuracyClean, e.Alternative.AccuracyClean);
            Assert.Equal(e.Original.AccuracyDeactivated, e.Alternative.AccuracyDeactivated);
            Assert.Equal(e.Original.AccuracyRandomMean, e.Alternative.AccuracyRandomMean);
            Assert.Equal(10, e.Alternative.Count);
        });
        Assert.Contains("clean/alternative", world.Calls);
        // The clean P^eva-2 condition goes before any intervened one (it fills the prefix cache they resume from).
        Assert.True(world.Calls.IndexOf("clean/alternative") < world.Calls.FindIndex(c => c.Contains("/alternative") && c != "clean/alternative"));

        var none = Run(ExperimentKind.Templates);
        Assert.Contains("alternative_templates", ((TemplatesResult)none.Result!).Skipped);
    }

    [Fact]
    public void Table2MeasuresPerplexityCleanDeactivatedAndRandom()
    {
        var sentences = new[] { new RelationObjectSentence("A", "en", "x", "A sentence"), new RelationObjectSentence("A", "en", "x", "A longer sentence") };
        var r = (ObjectPerplexityResult)Run(ExperimentKind.Perplexity, RuleWorld.Inputs with { ObjectSentences = sentences }).Result!;
        var e = Assert.Single(r.Entries);
        Assert.Equal(("A", "en", 2, 10 + 17), (e.Relation, e.Language, e.Sentences, e.Tokens));
        // 1 nat per token clean; 1 + 0.1 × 10 with A's 10 units off; the mean and the pooled value agree (equal nats per token).
        Assert.Equal(Math.E, e.Clean.MeanText, 12);
        Assert.Equal(Math.E, e.Clean.Pooled, 12);
        Assert.Equal(Math.Exp(2), e.Deactivated.MeanText, 12);
        Assert.Equal(2, e.RandomSeeds);
        Assert.InRange(e.Random.MeanText, Math.E, Math.Exp(2));

        Assert.Contains("object_sentences", ((ObjectPerplexityResult)Run(ExperimentKind.Perplexity).Result!).Skipped);
        var noModel = Run(ExperimentKind.Perplexity, RuleWorld.Inputs with { ObjectSentences = sentences }, probe: false);
        Assert.Contains("needs the model", noModel.SkipReason);
    }

    [Fact]
    public void Table4ClassifiesTheContinuationsOfFlippedPromptsOnly()
    {
        var world = new RuleWorld();
        var r = (ErrorTypesResult)Run(ExperimentKind.ErrorTypes, world: world).Result!;
        Assert.Equal(ErrorTypes.DefaultNewTokens, r.NewTokens);
        Assert.Equal(6, r.Entries.Count);
        // Facts 0-7 flip in every relation and language: fact 0 repeats, 1 "The", 2 "A.", 3-7 other.
        Assert.All(r.Entries, e => Assert.Equal((8, 1, 1, 1, 5), (e.Flipped, e.RepeatsPrompt, e.StartsWithThe, e.StartsWithA, e.Other)));
        // Only the flipped prompts are continued, 20 tokens each, with the relation's 10 units off.
        Assert.Equal(6 * 8, world.Continued.Count);
        Assert.All(world.Continued, c => Assert.Equal((20, 10), (c.Tokens, c.Units)));
        var examples = r.Entries[0].Examples;
        Assert.Equal(1 + 1 + 1 + ErrorTypes.ExamplesPerType, examples.Count);
        Assert.Equal(ErrorType.RepeatsPrompt, examples[0].Type);
        Assert.StartsWith(RuleWorld.TestPrompts.First(p => p.Text == examples[0].Prompt).Subject, examples[0].Continuation);
    }

    [Fact]
    public void AppESplitsFactsByTheDeactivationAndCountsThemInTheCorpus()
    {
        // Each relation's set holds only the units of facts 0-3: those facts are sensitive, 4-7 resilient (8-9 never recalled).
        var sets = new NeuronSetCollection(
            from rel in RuleWorld.Relations
            select new RankedNeuronSet(rel, "en", Enumerable.Range(0, 4).Select(i => RuleWorld.Unit(rel, i)).ToArray()));
        using var corpus = new TempDirectory();
        // Fact i of A co-occurs in i + 1 documents; B's sensitive facts in 1, resilient in 3; C's never (a mean of 0: no relative difference).
        var lines = new List<string>();
        for (int i = 0; i < 8; i++)
            for (int k = 0; k <= i; k++) lines.Add($"{{\"text\": \"A{i} and x, copy {k}\"}}");
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < (i < 4 ? 1 : 3); k++) lines.Add($"{{\"text\": \"B{i}: x\"}}");
        File.WriteAllLines(corpus["docs.jsonl"], lines);
        var inputs = RuleWorld.Inputs with { Sets = sets, Corpus = corpus.Path };
        var r = (FrequencyResult)Run(ExperimentKind.Frequency, inputs).Result!;
        Assert.Null(r.Skipped);
        Assert.Equal((1, (long)lines.Count), (r.Files, r.Documents));
        var a = r.Relations.Single(x => x.Relation == "A");
        Assert.Equal((4, 4), (a.Resilient, a.Sensitive));
        Assert.Equal(6.5, a.ResilientMean);      // facts 4-7: 5, 6, 7, 8 documents
        Assert.Equal(2.5, a.SensitiveMean);      // facts 0-3: 1, 2, 3, 4
        Assert.Equal((2.5 - 6.5) / 6.5, a.RelativeDifference!.Value, 12);
        var b = r.Relations.Single(x => x.Relation == "B");
        Assert.Equal((3.0, 1.0), (b.ResilientMean!.Value, b.SensitiveMean!.Value));
        Assert.Null(r.Relations.Single(x => x.Relation == "C").RelativeDifference);
        // Wilcoxon over A, B, C: differences −4, −2, 0; the zero is dropped, both others negative: exact p = 2 × 1/4.
        var t = r.Test!;
        Assert.Equal((2, 1, 0.0, 3.0, true), (t.Count, t.Zeros, t.WPlus, t.WMinus, t.Exact));
        Assert.Equal(0.5, t.PValue, 12);
        Assert.Equal(24, r.Facts.Count);
    }

    [Fact]
    public void AppEWithoutACorpusSaysWhyAndEvaluatesNothing()
    {
        var world = new RuleWorld();
        var outcome = Run(ExperimentKind.Frequency, RuleWorld.Inputs with { CorpusMissing = "no --corpus given and no training_corpus.jsonl beside the model" }, world);
        var r = (FrequencyResult)outcome.Result!;
        Assert.StartsWith("no corpus given (no --corpus given", r.Skipped);
        Assert.Empty(world.Calls);
    }
}
