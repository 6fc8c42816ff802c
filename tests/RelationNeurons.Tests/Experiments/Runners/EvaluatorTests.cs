using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Hooks;
using RelationNeurons.Data;
using RelationNeurons.Method;

namespace RelationNeurons.Tests.Experiments.Runners;

public class EvaluatorTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    /// <summary>The micro world's one-letter answers need the word-boundary criterion and more than 2 tokens.</summary>
    private static readonly EvaluationOptions Kojima = new() { MaxNewTokens = 8, Match = AnswerMatch.Answer };

    [Fact]
    public void CleanModelRecallsTheAnswersItWasGivenAndMissesTheMadeUpOnes()
    {
        using var model = World.LoadModel();
        var evaluator = new Evaluator(model, World.LoadTokenizer(), Kojima);
        var prompts = World.AllPrompts;
        var result = evaluator.Evaluate(ConditionLabel.Clean, prompts, null);
        Assert.Equal(prompts.Count, result.Outcomes.Count);
        for (int i = 0; i < prompts.Count; i++)
        {
            bool madeUp = prompts[i].Answers[0].StartsWith("quux", StringComparison.Ordinal);
            Assert.True(!madeUp == result.Outcomes[i].Correct, $"{prompts[i].Text} -> '{result.Outcomes[i].Generated}', answer '{prompts[i].Answers[0]}'");
        }
        Assert.Equal(MicroWorld.Languages.Length * MicroWorld.RelationIds.Length, result.Accuracy.Count);
        Assert.All(result.Accuracy, g => Assert.Equal(MicroWorld.FactsPerRelation, g.Count));
    }

    [Fact]
    public void StoppingEarlyNeverChangesTheScoreAndBatchingMatchesOnePromptAtATime()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var prompts = World.AllPrompts;
        var intervention = Intervention.Deactivate(Enumerable.Range(0, 48).Select(i => new NeuronId(new HookPoint(1, TapKind.MlpPost), i)).ToArray());
        var early = new Evaluator(model, tokenizer, Kojima).Evaluate("x", prompts, intervention);
        var full = new Evaluator(model, tokenizer, Kojima with { StopWhenDecided = false }).Evaluate("x", prompts, intervention);
        Assert.Equal(full.Outcomes.Select(o => o.Correct), early.Outcomes.Select(o => o.Correct));
        // Early stopping is what makes evaluation cheap: it must actually cut some continuations.
        Assert.True(early.Outcomes.Sum(o => o.Generated.Length) < full.Outcomes.Sum(o => o.Generated.Length));

        var alone = new Evaluator(model, tokenizer, Kojima);
        for (int i = 0; i < prompts.Count; i += 7)
            Assert.Equal(early.Outcomes[i], alone.Evaluate("x", [prompts[i]], intervention).Outcomes[0]);
    }

    [Fact]
    public void ThePapersPrefixCriterionStopsEarlyOnlyOnceWrongAndBatchesLikeSingle()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var prompts = World.AllPrompts;
        var paper = new EvaluationOptions();
        Assert.Equal((2, AnswerMatch.PrefixOfAnswer), (paper.MaxNewTokens, paper.Match));
        var early = new Evaluator(model, tokenizer, paper).Evaluate("x", prompts, null);
        var full = new Evaluator(model, tokenizer, paper with { StopWhenDecided = false }).Evaluate("x", prompts, null);
        Assert.Equal(full.Outcomes.Select(o => o.Correct), early.Outcomes.Select(o => o.Correct));
        for (int i = 0; i < prompts.Count; i++)
            Assert.Equal(AnswerPrefix.IsCorrect(full.Outcomes[i].Generated, prompts[i].Answers), full.Outcomes[i].Correct);
        var alone = new Evaluator(model, tokenizer, paper);
        for (int i = 0; i < prompts.Count; i += 7)
            Assert.Equal(early.Outcomes[i], alone.Evaluate("x", [prompts[i]], null).Outcomes[0]);
    }

    [Fact]
    public void InterventionIsAppliedAsTheEngineDeactivates()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var prompts = World.AllPrompts;
        var neurons = Enumerable.Range(0, 48).SelectMany(i => new[] { new NeuronId(new HookPoint(0, TapKind.MlpPost), i), new NeuronId(new HookPoint(2, TapKind.MlpPost), i) }).ToArray();
        var result = new Evaluator(model, tokenizer, Kojima with { StopWhenDecided = false })
            .Evaluate("deact", prompts, Intervention.Deactivate(neurons));
        var clean = new Evaluator(model, tokenizer, Kojima).Evaluate(ConditionLabel.Clean, prompts, null);
        var direct = model.Generate(prompts.Select(p => tokenizer.Encode(p.Text, true)).ToArray(), 8, new HookSet().Deactivate(neurons));
        for (int i = 0; i < prompts.Count; i++)
        {
            string text = tokenizer.Decode(direct[i].NewIds.Where(t => !model.Config.EosTokenIds.Contains(t)).ToArray());
            text = ContinuationScorer.FirstLine(text);
            Assert.Equal(text, result.Outcomes[i].Generated);
        }
        // Silencing two whole MLP layers changes what this model says on some prompts.
        Assert.True(result.Outcomes.Zip(clean.Outcomes).Count(p => p.First.Correct != p.Second.Correct) > 0);
    }

    [Theory]
    [InlineData("zero", "zero")]
    [InlineData("on_p50", "on_p50")]
    [InlineData("1.5", "1.5")]
    [InlineData("-0.25", "-0.25")]
    public void InterventionValuesParse(string text, string shown) => Assert.Equal(shown, InterventionValue.Parse(text).ToString());

    [Fact]
    public void BadInterventionValueIsAUserError() =>
        Assert.Throws<UserInputException>(() => InterventionValue.Parse("median"));
}
