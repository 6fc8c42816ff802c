using System.Security.Cryptography;
using System.Text;
using RelationNeurons.Evaluation;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// The model's answers to Table 2's and Table 4's questions (the perplexity of texts, the
/// continuations of prompts, each under an intervention), keyed by a digest of the question.
/// Experiments shards ask their share of the questions through <see cref="Recording"/> and store
/// what it kept; the merge gives the tables' runners <see cref="Replay"/> of every shard's answers,
/// so it asks the model nothing and builds the tables with the unsharded code from the same bits
/// (a question asked again gets the same answer: the engine is deterministic, docs/engine.md).
/// </summary>
public sealed record ProbeAnswers(IReadOnlyList<PerplexityAnswer> Perplexities, IReadOnlyList<ContinuationAnswer> Continuations)
{
    public static ProbeAnswers Empty { get; } = new([], []);

    public static ProbeAnswers Combine(IEnumerable<ProbeAnswers> parts)
    {
        var list = parts.ToList();
        return new(list.SelectMany(p => p.Perplexities).ToList(), list.SelectMany(p => p.Continuations).ToList());
    }

    /// <summary>Asks <paramref name="model"/> and keeps every answer (<see cref="Answers"/>).</summary>
    public static RecordingProbe Recording(ITextProbe model) => new(model);

    /// <summary>Answers only from these answers; a question none of them answers is a user error (a shard's file is not this run's).</summary>
    public ITextProbe Replay() => new ReplayProbe(this);

    internal static string PerplexityKey(IReadOnlyList<string> texts, Intervention? intervention) => Key("perplexity", texts, intervention, 0);

    internal static string ContinuationKey(IReadOnlyList<string> prompts, Intervention? intervention, int maxNewTokens) =>
        Key("continue", prompts, intervention, maxNewTokens);

    private static string Key(string kind, IReadOnlyList<string> texts, Intervention? intervention, int tokens)
    {
        var sb = new StringBuilder().Append(kind).Append('\n').Append(tokens).Append('\n');
        foreach (string t in texts) sb.Append(t.Length).Append(':').Append(t).Append('\n');
        intervention?.AppendKey(sb);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public sealed class RecordingProbe(ITextProbe model) : ITextProbe
    {
        private readonly List<PerplexityAnswer> _perplexities = [];
        private readonly List<ContinuationAnswer> _continuations = [];

        public ProbeAnswers Answers => new(_perplexities.ToList(), _continuations.ToList());

        public PerplexityResult Perplexity(IReadOnlyList<string> texts, Intervention? intervention)
        {
            var result = model.Perplexity(texts, intervention);
            var (tokens, negativeLogLikelihoods) = result.ToColumns();
            _perplexities.Add(new(PerplexityKey(texts, intervention), tokens, negativeLogLikelihoods));
            return result;
        }

        public IReadOnlyList<string> Continue(IReadOnlyList<string> prompts, Intervention? intervention, int maxNewTokens)
        {
            var result = model.Continue(prompts, intervention, maxNewTokens);
            _continuations.Add(new(ContinuationKey(prompts, intervention, maxNewTokens), result.ToArray()));
            return result;
        }
    }

    private sealed class ReplayProbe(ProbeAnswers answers) : ITextProbe
    {
        // Equal questions get equal answers, so a key met twice keeps its first.
        private readonly Dictionary<string, PerplexityAnswer> _perplexities = answers.Perplexities.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.First());
        private readonly Dictionary<string, ContinuationAnswer> _continuations = answers.Continuations.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.First());

        public PerplexityResult Perplexity(IReadOnlyList<string> texts, Intervention? intervention)
        {
            if (!_perplexities.TryGetValue(PerplexityKey(texts, intervention), out var a) || a.Tokens.Count != texts.Count || a.NegativeLogLikelihoods.Count != texts.Count)
                throw Missing("the perplexity of", texts.Count);
            return PerplexityResult.FromColumns(a.Tokens, a.NegativeLogLikelihoods);
        }

        public IReadOnlyList<string> Continue(IReadOnlyList<string> prompts, Intervention? intervention, int maxNewTokens)
        {
            if (!_continuations.TryGetValue(ContinuationKey(prompts, intervention, maxNewTokens), out var a) || a.Texts.Count != prompts.Count)
                throw Missing("the continuations of", prompts.Count);
            return a.Texts;
        }

        private static UserInputException Missing(string what, int count) =>
            new($"no shard holds {what} these {count} texts under this intervention: the shards' answer files are not this run's; run the experiments shards again");
    }
}

/// <summary>One perplexity question's answer: each text's predicted tokens and summed negative log-likelihood.</summary>
public sealed record PerplexityAnswer(string Key, IReadOnlyList<int> Tokens, IReadOnlyList<double> NegativeLogLikelihoods);

/// <summary>One continuation question's answer: each prompt's continuation.</summary>
public sealed record ContinuationAnswer(string Key, IReadOnlyList<string> Texts);
