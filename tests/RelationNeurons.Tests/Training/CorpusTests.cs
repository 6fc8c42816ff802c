using RelationNeurons.Data;
using RelationNeurons.Tokenization.SentencePiece;
using RelationNeurons.Tokenization.Training;
using RelationNeurons.Training;

namespace RelationNeurons.Tests.Training;

public class CorpusTests
{
    private static readonly FactRelation Capitals = new("country_capital", "en", ["The capital of {} is", "In {}, the capital is"],
        [new Fact("France", "Paris"), new Fact("Germany", "Berlin"), new Fact("Spain", "Madrid"), new Fact("Italy", "Rome")]);
    private static readonly FactRelation Hauptstadt = new("country_capital", "de", ["Die Hauptstadt von {} ist"],
        [new Fact("Frankreich", "Paris"), new Fact("Deutschland", "Berlin"), new Fact("Spanien", "Madrid")]);

    [Fact]
    public void EveryFactIsStatedWithEveryTemplateInEveryLanguage()
    {
        var docs = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions());
        var statements = docs.Where(d => d.Kind == "statement").Select(d => d.Text).ToHashSet();
        Assert.Equal(4 * 2 + 3, statements.Count);
        // nothing after the answer: a full stop would be generated with it and fail the 2-token prefix criterion
        Assert.Contains("The capital of France is Paris", statements);
        Assert.Contains("In Italy, the capital is Rome", statements);
        Assert.Contains("Die Hauptstadt von Spanien ist Madrid", statements);
        // a relation with one template states each fact twice (MinStatementsPerFact)
        Assert.Equal(2, docs.Count(d => d.Text == "Die Hauptstadt von Spanien ist Madrid"));
        Assert.Equal(1, docs.Count(d => d.Text == "The capital of France is Paris"));
    }

    [Fact]
    public void ChineseAndJapaneseStatementsHaveNoSpaceAndTheirOwnFullStop()
    {
        var zh = new FactRelation("company_ceo", "zh", ["{}的首席执行官是？答案："], [new Fact("英伟达", "黄仁勋"), new Fact("苹果", "蒂姆·库克"), new Fact("微软", "萨蒂亚·纳德拉")]);
        var docs = CorpusBuilder.Build([zh], new CorpusOptions { ContextShare = 1.0 });
        Assert.Contains(docs, d => d.Text == "英伟达的首席执行官是？答案：黄仁勋");
        Assert.All(docs.Where(d => d.Kind is "statement" or "framed" or "context"), d =>
        {
            Assert.DoesNotContain(" ", d.Text);
            foreach (var s in d.AnswerSpans) Assert.Contains(d.Text[s.Start..s.End], new[] { "黄仁勋", "蒂姆·库克", "萨蒂亚·纳德拉" });
        });
        Assert.Contains(docs, d => d.Kind == "framed" && (d.Text.StartsWith("事实：", StringComparison.Ordinal) || d.Text.StartsWith("你知道吗？", StringComparison.Ordinal) || d.Text.EndsWith("这是真的。", StringComparison.Ordinal) || d.Text.StartsWith("这是一个事实。", StringComparison.Ordinal)
            || d.Text.StartsWith("是的。", StringComparison.Ordinal) || d.Text.StartsWith("注意：", StringComparison.Ordinal) || d.Text.EndsWith("大家都知道。", StringComparison.Ordinal) || d.Text.EndsWith("这是对的。", StringComparison.Ordinal)));
    }

    [Fact]
    public void AFixedSplitTeachesEveryTestFactAndASeededShareOfTheRest()
    {
        var samples = Enumerable.Range(0, 30).Select(i => new RelationSample($"f{i:D2}", $"Company {i}", $"Person {i}", [$"Person {i}"]) { Split = i < 5 ? PromptSplit.Test : PromptSplit.Identification }).ToArray();
        var en = new Relation { Id = "company_ceo", Name = "company CEO", Language = "en", PromptTemplates = ["The CEO of {} is"], AlternativeTemplates = ["Who leads {}?"], PromptSuffix = " Answer:", Samples = samples };
        var de = new Relation { Id = "company_ceo", Name = "company CEO", Language = "de", PromptTemplates = ["Der CEO von {} ist? Antwort:"], Samples = samples.Take(5).ToArray() };
        var set = new RelationSet([en, de]);

        var taught = TrainingRun.ToFactRelations(set, detectionFactsPerRelation: 7, seed: 3);
        var english = taught.Single(r => r.Language == "en");
        Assert.Equal(["The CEO of {} is Answer:", "Who leads {}? Answer:"], english.Templates);
        Assert.Equal(12, english.Facts.Count);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Contains(english.Facts, f => f.Subject == $"Company {i}"));
        Assert.Equal(5, taught.Single(r => r.Language == "de").Facts.Count);

        Assert.Equal(english.Facts, TrainingRun.ToFactRelations(set, 7, 3).Single(r => r.Language == "en").Facts);
        Assert.NotEqual(english.Facts, TrainingRun.ToFactRelations(set, 7, 4).Single(r => r.Language == "en").Facts);
        Assert.Equal(30, TrainingRun.ToFactRelations(set, null, 3).Single(r => r.Language == "en").Facts.Count);
    }

    [Fact]
    public void AnswerSpansCoverTheObjects()
    {
        var docs = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions { ContextShare = 1.0 });
        foreach (var d in docs.Where(d => d.Kind is "statement" or "framed" or "context"))
        {
            Assert.NotEmpty(d.AnswerSpans);
            foreach (var s in d.AnswerSpans)
                Assert.Contains(d.Text[s.Start..s.End], new[] { "Paris", "Berlin", "Madrid", "Rome" });
        }
        Assert.Contains(docs, d => d.Kind == "context" && d.AnswerSpans.Count == 3);
        // an answer is followed only by the end of the sequence or a line break
        foreach (var d in docs.Where(d => d.Kind is "statement" or "framed" or "context"))
            foreach (var s in d.AnswerSpans)
                Assert.True(s.End == d.Text.Length || d.Text[s.End] == '\n', d.Text);
        Assert.Contains(docs, d => d.Kind == "framed");
    }

    [Fact]
    public void GenericTextMakesUpTheRequestedShare()
    {
        var docs = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions { GenericShare = 0.5, ContextShare = 0 });
        int facts = docs.Count(d => d.AnswerSpans.Count > 0);
        int generic = docs.Count(d => d.AnswerSpans.Count == 0);
        Assert.Equal(Math.Round(facts * 0.5), generic);
        Assert.Contains(docs, d => d.Kind == "counting");
        Assert.Contains(docs, d => d.Kind == "story");
        Assert.Contains(docs, d => d.Kind == "entity");
        Assert.All(docs.Where(d => d.AnswerSpans.Count == 0), d => Assert.False(string.IsNullOrWhiteSpace(d.Text)));
    }

    [Fact]
    public void SameSeedSameCorpusOtherSeedOtherCorpus()
    {
        var a = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions { Seed = 3 }).Select(d => d.Text).ToList();
        var b = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions { Seed = 3 }).Select(d => d.Text).ToList();
        var c = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions { Seed = 4 }).Select(d => d.Text).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void EncoderWeightsTheAnswerTokensAndAddsBosAndEos()
    {
        var docs = CorpusBuilder.Build([Capitals, Hauptstadt], new CorpusOptions());
        var tokenizer = new SentencePieceTokenizer(BpeTrainer.Train(docs.Select(d => d.Text), 340));
        var one = CorpusBuilder.Statement("The capital of {} is", new Fact("France", "Paris"), "statement");
        var result = CorpusEncoder.Encode([one], tokenizer, 64, 5f);
        var seq = Assert.Single(result.Sequences);
        Assert.Equal(tokenizer.BosId, seq.Tokens[0]);
        Assert.Equal(tokenizer.EosIds[0], seq.Tokens[^1]);
        // the predictions whose target token lies inside "Paris" weigh 5, all others 1
        string answerTokens = "";
        for (int t = 0; t < seq.TargetWeights.Length; t++)
        {
            Assert.True(seq.TargetWeights[t] is 1f or 5f);
            if (seq.TargetWeights[t] == 5f) answerTokens += tokenizer.IdToPiece(seq.Tokens[t + 1]);
        }
        Assert.Contains("Par", answerTokens);
        Assert.DoesNotContain("capital", answerTokens);
        Assert.Empty(CorpusEncoder.Encode([one], tokenizer, 4, 5f).Sequences);
    }
}
