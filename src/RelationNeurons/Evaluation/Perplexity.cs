using RelationNeurons.Inference;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Evaluation;

/// <summary>One text's perplexity: <see cref="Tokens"/> predicted tokens (every token after BOS), their summed negative log-likelihood (nats).</summary>
public sealed record TextPerplexity(int Tokens, double NegativeLogLikelihood)
{
    /// <summary>Mean negative log-likelihood per predicted token.</summary>
    public double MeanNegativeLogLikelihood => NegativeLogLikelihood / Tokens;

    /// <summary>exp(mean NLL).</summary>
    public double Perplexity => Math.Exp(MeanNegativeLogLikelihood);
}

/// <summary>
/// Perplexities of a list of texts. <see cref="CorpusPerplexity"/> pools every predicted token of
/// every text: exp(total NLL / total tokens), so long texts weigh more.
/// <see cref="MeanTextPerplexity"/> is the plain mean of the per-text perplexities (each text
/// weighs the same; with texts of equal length never below the corpus value, by Jensen's inequality).
/// </summary>
public sealed record PerplexityResult(IReadOnlyList<TextPerplexity> Texts)
{
    public int Tokens => Texts.Sum(t => t.Tokens);
    public double NegativeLogLikelihood => Texts.Sum(t => t.NegativeLogLikelihood);
    public double CorpusPerplexity => Texts.Count == 0 ? double.NaN : Math.Exp(NegativeLogLikelihood / Tokens);
    public double MeanTextPerplexity => Texts.Count == 0 ? double.NaN : Texts.Average(t => t.Perplexity);

    /// <summary>
    /// Each text's predicted tokens and summed negative log-likelihood as two lists in text order:
    /// how shard files and the experiments' probe answers keep a result (<see cref="FromColumns"/> reads them back).
    /// </summary>
    public (IReadOnlyList<int> Tokens, IReadOnlyList<double> NegativeLogLikelihoods) ToColumns() =>
        (Texts.Select(t => t.Tokens).ToArray(), Texts.Select(t => t.NegativeLogLikelihood).ToArray());

    /// <summary>The result <see cref="ToColumns"/> wrote: text i has <paramref name="tokens"/>[i] tokens and <paramref name="negativeLogLikelihoods"/>[i] nats.</summary>
    public static PerplexityResult FromColumns(IReadOnlyList<int> tokens, IReadOnlyList<double> negativeLogLikelihoods)
    {
        if (tokens.Count != negativeLogLikelihoods.Count)
            throw new ArgumentException($"{tokens.Count} token counts but {negativeLogLikelihoods.Count} negative log-likelihoods");
        return new(tokens.Select((t, i) => new TextPerplexity(t, negativeLogLikelihoods[i])).ToArray());
    }
}

/// <summary>
/// Perplexity of texts under the model, optionally under an <see cref="Intervention"/> (Table 2 of
/// the paper: sentences that contain a relation's object, before and after its neurons are
/// deactivated). Each text is encoded with BOS prepended (whatever the tokenizer's default), and
/// every token after BOS is predicted from the logits of the position before it; log-softmax is
/// taken in double with the maximum subtracted. Texts go to the engine in batched forward passes
/// (<see cref="LogitsSelection.AllPositions"/>) of at most <c>batchTokens</c> tokens, so the
/// logits held at once are bounded (batchTokens × vocabulary floats); a text longer than that goes alone.
/// </summary>
public static class Perplexity
{
    public const int DefaultBatchTokens = 2048;

    public static PerplexityResult Compute(LlamaModel model, ITokenizer tokenizer, IReadOnlyList<string> texts,
        Intervention? intervention = null, int batchTokens = DefaultBatchTokens)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            ids[i] = tokenizer.Encode(texts[i], addBos: true);
            if (ids[i].Length < 2) throw new UserInputException($"text {i + 1}: no token after BOS");
            if (ids[i].Length > model.Config.MaxPositionEmbeddings)
                throw new UserInputException($"text {i + 1}: {ids[i].Length} tokens, more than the model's context of {model.Config.MaxPositionEmbeddings}");
        }
        return Compute(model, ids, intervention, batchTokens);
    }

    /// <summary>Perplexity of token sequences that already start with BOS (the first token is never predicted).</summary>
    public static PerplexityResult Compute(LlamaModel model, IReadOnlyList<int[]> ids, Intervention? intervention = null,
        int batchTokens = DefaultBatchTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchTokens);
        foreach (var s in ids)
            if (s.Length < 2) throw new ArgumentException("every sequence needs a token after BOS", nameof(ids));
        var hooks = intervention?.ToHookSet();
        var results = new TextPerplexity[ids.Count];
        int first = 0;
        while (first < ids.Count)
        {
            int count = 1, tokens = ids[first].Length;
            while (first + count < ids.Count && tokens + ids[first + count].Length <= batchTokens) tokens += ids[first + count++].Length;
            var batch = new int[count][];
            for (int j = 0; j < count; j++) batch[j] = ids[first + j];
            var forward = model.Forward(batch, hooks, LogitsSelection.AllPositions);
            for (int j = 0; j < count; j++)
            {
                var seq = batch[j];
                double nll = 0;
                for (int p = 0; p + 1 < seq.Length; p++) nll -= LogProbability(forward.LogitsAt(j, p), seq[p + 1]);
                results[first + j] = new TextPerplexity(seq.Length - 1, nll);
            }
            first += count;
        }
        return new PerplexityResult(results);
    }

    /// <summary>log softmax(logits)[target] in double: logits[target] − max − log Σ exp(logit − max).</summary>
    public static double LogProbability(ReadOnlySpan<float> logits, int target)
    {
        if ((uint)target >= (uint)logits.Length) throw new ArgumentOutOfRangeException(nameof(target));
        double max = double.NegativeInfinity;
        foreach (float l in logits) if (l > max) max = l;
        double sum = 0;
        foreach (float l in logits) sum += Math.Exp(l - max);
        return logits[target] - max - Math.Log(sum);
    }
}
