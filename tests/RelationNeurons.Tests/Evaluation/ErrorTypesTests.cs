using RelationNeurons.Evaluation;
using RelationNeurons.Hooks;
using RelationNeurons.Tests.Experiments.Runners;

namespace RelationNeurons.Tests.Evaluation;

public class ErrorTypesTests
{
    private const string Ceo = "Who is the CEO of Apple? Answer:";

    [Theory]
    // Repeats: the first three words occur in the prompt's body, case-insensitive, punctuation ignored.
    [InlineData(Ceo, "Apple", " who is the CEO of Microsoft? Answer:", ErrorType.RepeatsPrompt)]
    [InlineData(Ceo, "Apple", "\nThe CEO of Apple? Answer: The", ErrorType.RepeatsPrompt)]
    [InlineData(Ceo, "Apple", "CEO of Apple is Tim Cook", ErrorType.RepeatsPrompt)]
    // ... or it starts with the subject.
    [InlineData(Ceo, "Apple", "Apple's CEO", ErrorType.RepeatsPrompt)]
    [InlineData(Ceo, "Apple Inc", "apple inc, the company", ErrorType.RepeatsPrompt)]
    [InlineData(Ceo, "Apple", "Applebee's", ErrorType.Other)]
    // Three words not contiguous in the body: not a repeat; "The" first.
    [InlineData(Ceo, "Apple", "The CEO is Tim", ErrorType.StartsWithThe)]
    [InlineData(Ceo, "Apple", "The", ErrorType.StartsWithThe)]
    [InlineData(Ceo, "Apple", "The, he said", ErrorType.StartsWithThe)]
    [InlineData(Ceo, "Apple", "the company", ErrorType.Other)]
    [InlineData(Ceo, "Apple", "They are", ErrorType.Other)]
    [InlineData(Ceo, "Apple", "Theodore", ErrorType.Other)]
    [InlineData(Ceo, "Apple", "  A. B. C. D.", ErrorType.StartsWithA)]
    [InlineData(Ceo, "Apple", "A.", ErrorType.StartsWithA)]
    [InlineData(Ceo, "Apple", "A new CEO", ErrorType.Other)]
    [InlineData(Ceo, "Apple", "Steve Jobs", ErrorType.Other)]
    [InlineData(Ceo, "Apple", "   \n", ErrorType.Other)]
    // N = 3 and the continuation has only 2 words: not a repeat.
    [InlineData(Ceo, "Apple", "Who is", ErrorType.Other)]
    // A body of one "word" (no spaces: Chinese, Japanese) is compared character by character, N = 3.
    [InlineData("巴黎位于哪个国家？答案：", "巴黎", "巴黎位于", ErrorType.RepeatsPrompt)]
    [InlineData("巴黎位于哪个国家？答案：", "巴黎", "位于哪个", ErrorType.RepeatsPrompt)]
    [InlineData("巴黎位于哪个国家？答案：", "巴黎", "法国", ErrorType.Other)]
    public void Classifies(string prompt, string subject, string continuation, ErrorType expected) =>
        Assert.Equal(expected, ErrorTypes.Classify(prompt, subject, continuation));

    [Fact]
    public void RepeatingThePromptWinsOverTheAndA()
    {
        // Both a repeat and a "The" answer: counted as a repeat.
        Assert.Equal(ErrorType.RepeatsPrompt, ErrorTypes.Classify("The CEO of Apple is? Answer:", "Apple", "The CEO of Google"));
        Assert.Equal(ErrorType.RepeatsPrompt, ErrorTypes.Classify("A. Smith's mother is? Answer:", "A. Smith", "A. Smith's father"));
    }

    [Fact]
    public void TheBodyDropsTheAnswerSuffix()
    {
        Assert.Equal("Who is the CEO of Apple", ErrorTypes.Body(Ceo));
        Assert.Equal("Apple's CEO is", ErrorTypes.Body("Apple's CEO is? Answer: "));
        Assert.Equal("The capital of France is", ErrorTypes.Body("The capital of France is"));
        // "Answer" is not in the body, so repeating it is not a repeat of the prompt.
        Assert.Equal(ErrorType.Other, ErrorTypes.Classify(Ceo, "Apple", "Answer: Answer: Answer:"));
    }

    [Fact]
    public void TableCountsSharesAndExamplesPerRelation()
    {
        FlippedPrompt F(string rel, string cont, int i) => new(rel, "en", $"f{i}", Ceo, "Apple", cont);
        var flipped = new List<FlippedPrompt>
        {
            F("company_ceo", "Who is the CEO", 0), F("company_ceo", "The man", 1), F("company_ceo", "A.", 2),
            F("company_ceo", "Bill", 3), F("company_ceo", "who is the boss", 4), F("company_ceo", "Who is the", 5),
            F("company_ceo", "Who is the x", 6), F("company_ceo", "Who is the y", 7),
            F("company_hq", "The", 8),
        };
        var table = ErrorTypes.Table(flipped);
        Assert.Equal(["company_ceo", "company_hq"], table.Select(r => r.Relation));
        var ceo = table[0];
        Assert.Equal(8, ceo.Flipped);
        Assert.Equal(5, ceo.Counts[ErrorType.RepeatsPrompt]);
        Assert.Equal(1, ceo.Counts[ErrorType.StartsWithThe]);
        Assert.Equal(1, ceo.Counts[ErrorType.StartsWithA]);
        Assert.Equal(1, ceo.Counts[ErrorType.Other]);
        Assert.Equal(5 / 8.0, ceo.Shares[ErrorType.RepeatsPrompt]);
        Assert.Equal(["f0", "f4", "f5"], ceo.Examples[ErrorType.RepeatsPrompt].Select(e => e.FactId));
        Assert.Equal(1.0, table[1].Shares[ErrorType.StartsWithThe]);
        Assert.Empty(table[1].Examples[ErrorType.Other]);
        Assert.Equal(0, table[1].Counts[ErrorType.Other]);
        Assert.Equal("repeats the prompt", ErrorTypes.Label(ErrorType.RepeatsPrompt));
    }

    [Fact]
    public void ContinuationsAreTwentyGreedyTokensUnderTheIntervention()
    {
        var world = MicroWorld.Instance;
        using var model = world.LoadModel();
        var tokenizer = world.LoadTokenizer();
        var prompts = world.AllPrompts.Take(6).Select(p => p.Text).ToArray();
        var intervention = Intervention.Deactivate(Enumerable.Range(0, 48).Select(i => new NeuronId(new HookPoint(1, TapKind.MlpPost), i)).ToArray());
        var continuations = ErrorTypes.Continuations(model, tokenizer, prompts, intervention);
        Assert.Equal(prompts.Length, continuations.Count);
        for (int i = 0; i < prompts.Length; i++)
        {
            var alone = model.Generate(tokenizer.Encode(prompts[i], tokenizer.AddBosByDefault), ErrorTypes.DefaultNewTokens, intervention.ToHookSet());
            var ids = alone.NewIds.Where(id => !model.Config.EosTokenIds.Contains(id)).ToArray();
            Assert.Equal(tokenizer.Decode(ids), continuations[i]);
            Assert.True(alone.NewIds.Length == ErrorTypes.DefaultNewTokens || model.Config.EosTokenIds.Contains(alone.NewIds[^1]));
        }
        Assert.NotEqual(ErrorTypes.Continuations(model, tokenizer, prompts, null), continuations);
    }

    [Fact]
    public void FlippedPromptsAreRightBeforeAndWrongAfter()
    {
        PromptOutcome O(string fact, bool correct) => new("r", "en", fact, "p " + fact, "x", correct);
        var clean = EvaluationResult.Create("clean", [O("a", true), O("b", true), O("c", false), O("d", true)]);
        var after = EvaluationResult.Create("off", [O("a", false), O("b", true), O("c", false), O("d", false)]);
        var flipped = ErrorTypes.Flipped(clean, after, o => "S" + o.FactId, o => "cont " + o.FactId);
        Assert.Equal(["a", "d"], flipped.Select(f => f.FactId));
        Assert.Equal("Sa", flipped[0].Subject);
        Assert.Equal("cont d", flipped[1].Continuation);
    }
}
