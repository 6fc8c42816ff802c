using RelationNeurons.Evaluation;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Tests.Experiments.Runners;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Evaluation;

public class PerplexityTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    private static string[] Texts() =>
        World.AllPrompts.Where((_, i) => i % 5 == 0).Select(p => p.Text + " " + p.Answers[0]).Append("ka lo mi").ToArray();

    /// <summary>The reference: one text per forward pass, log-softmax summed by hand.</summary>
    private static (int Tokens, double Nll) Direct(LlamaModel model, int[] ids, HookSet? hooks)
    {
        var logits = model.Forward(ids, hooks, LogitsSelection.AllPositions).Logits(0);
        int vocab = model.Config.VocabSize;
        double nll = 0;
        for (int p = 0; p + 1 < ids.Length; p++)
        {
            var row = logits.AsSpan(p * vocab, vocab);
            double max = double.NegativeInfinity;
            for (int v = 0; v < vocab; v++) max = Math.Max(max, row[v]);
            double z = 0;
            for (int v = 0; v < vocab; v++) z += Math.Exp(row[v] - max);
            nll += max + Math.Log(z) - row[ids[p + 1]];
        }
        return (ids.Length - 1, nll);
    }

    private static void AssertRelative(double expected, double actual, double tolerance = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"expected {expected}, got {actual}");

    [Fact]
    public void MatchesADirectComputationTextByTextAndBatchingChangesNothing()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var texts = Texts();
        var batched = Perplexity.Compute(model, tokenizer, texts, batchTokens: 40);
        Assert.Equal(texts.Length, batched.Texts.Count);
        double total = 0; int tokens = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            var ids = tokenizer.Encode(texts[i], addBos: true);
            var (n, nll) = Direct(model, ids, null);
            Assert.Equal(n, batched.Texts[i].Tokens);
            AssertRelative(nll, batched.Texts[i].NegativeLogLikelihood);
            AssertRelative(Math.Exp(nll / n), batched.Texts[i].Perplexity);
            var alone = Perplexity.Compute(model, tokenizer, [texts[i]]);
            Assert.Equal(alone.Texts[0].NegativeLogLikelihood, batched.Texts[i].NegativeLogLikelihood);
            total += nll; tokens += n;
        }
        AssertRelative(Math.Exp(total / tokens), batched.CorpusPerplexity);
        AssertRelative(batched.Texts.Average(t => Math.Exp(t.NegativeLogLikelihood / t.Tokens)), batched.MeanTextPerplexity);
        var oneBatch = Perplexity.Compute(model, tokenizer, texts, batchTokens: 100_000);
        Assert.Equal(batched.Texts, oneBatch.Texts);
    }

    [Fact]
    public void DeactivationChangesPerplexityAndMatchesTheDirectComputation()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        var texts = Texts();
        var intervention = Intervention.Deactivate(Enumerable.Range(0, 48).Select(i => new NeuronId(new HookPoint(1, TapKind.MlpPost), i)).ToArray());
        var clean = Perplexity.Compute(model, tokenizer, texts);
        var off = Perplexity.Compute(model, tokenizer, texts, intervention, batchTokens: 30);
        Assert.NotEqual(clean.CorpusPerplexity, off.CorpusPerplexity);
        var hooks = intervention.ToHookSet();
        for (int i = 0; i < texts.Length; i += 3)
            AssertRelative(Direct(model, tokenizer.Encode(texts[i], addBos: true), hooks).Nll, off.Texts[i].NegativeLogLikelihood);
    }

    [SkippableFact]
    public void StoriesModelTokenSequencesMatchTheDirectComputation()
    {
        using var model = LlamaModel.Load(StoriesFixture.Require());
        var ids = StoriesFixture.MixedPrompts.Where(p => p.Length > 1).ToArray();
        var result = Perplexity.Compute(model, ids, batchTokens: 12);
        for (int i = 0; i < ids.Length; i++)
        {
            var (n, nll) = Direct(model, ids[i], null);
            Assert.Equal(n, result.Texts[i].Tokens);
            AssertRelative(nll, result.Texts[i].NegativeLogLikelihood);
        }
        Assert.Throws<ArgumentException>(() => Perplexity.Compute(model, [[1]]));
    }

    [Fact]
    public void LogSoftmaxIsStableForHugeLogits()
    {
        float[] logits = [1e30f, 1e30f, -1e30f];
        Assert.Equal(Math.Log(0.5), Perplexity.LogProbability(logits, 0), 12);
        AssertRelative(-2e30, Perplexity.LogProbability(logits, 2), 1e-6); // no overflow to -inf or NaN
        Assert.Equal(Math.Log(1.0 / 3), Perplexity.LogProbability([7f, 7f, 7f], 1), 12);
    }

    [Fact]
    public void AnEmptyListHasNoPerplexityAndTooLongTextIsAUserError()
    {
        using var model = World.LoadModel();
        var tokenizer = World.LoadTokenizer();
        Assert.True(double.IsNaN(Perplexity.Compute(model, tokenizer, []).CorpusPerplexity));
        string longText = string.Join(" ", Enumerable.Repeat("kalomi rutezo", 100));
        var e = Assert.Throws<UserInputException>(() => Perplexity.Compute(model, tokenizer, ["ka", longText]));
        Assert.Contains("text 2", e.Message);
    }

    [Fact]
    public void ColumnsRoundTripEveryTextInOrder()
    {
        var result = new PerplexityResult([new TextPerplexity(3, 4.25), new TextPerplexity(1, 0.1), new TextPerplexity(7, 12.5)]);
        var (tokens, negativeLogLikelihoods) = result.ToColumns();
        Assert.Equal([3, 1, 7], tokens);
        Assert.Equal([4.25, 0.1, 12.5], negativeLogLikelihoods);
        Assert.Equal(result.Texts, PerplexityResult.FromColumns(tokens, negativeLogLikelihoods).Texts);
        Assert.Empty(PerplexityResult.FromColumns([], []).Texts);
        Assert.Throws<ArgumentException>(() => PerplexityResult.FromColumns([1, 2], [0.5]));
    }
}
