using RelationNeurons.Data;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Inference;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Experiments.Evaluation;

/// <summary>
/// Greedy completion of test prompts with the engine, scored by the shared <see cref="AnswerMatcher"/>.
/// All prompts of a condition go to the engine in one batched <c>Generate</c> call; each sequence
/// stops at a newline, at EOS, after <see cref="EvaluationOptions.MaxNewTokens"/>, or as soon as
/// its outcome is decided. Token ids of prompts are cached, so many conditions over the same
/// prompts tokenize once.
/// </summary>
public sealed class Evaluator : IConditionEvaluator
{
    private readonly LlamaModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly AnswerMatcher _matcher;
    private readonly Dictionary<string, int[]> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Language, string Answers), ContinuationScorer> _scorers = new();
    private readonly Lock _cacheLock = new();

    public Evaluator(LlamaModel model, ITokenizer tokenizer, EvaluationOptions? options = null, AnswerMatcher? matcher = null)
    {
        _model = model;
        _tokenizer = tokenizer;
        _matcher = matcher ?? AnswerMatcher.Default;
        Options = options ?? new EvaluationOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.MaxNewTokens);
    }

    public EvaluationOptions Options { get; }

    /// <summary>Loads the tokenizer that sits beside the model's weights.</summary>
    public static ITokenizer LoadTokenizer(LlamaModel model) =>
        model.LoadTokenizer();

    public EvaluationResult Evaluate(string condition, IReadOnlyList<Prompt> prompts, Intervention? intervention)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) return EvaluationResult.Create(condition, []);
        var ids = prompts.Select(p => Encode(p.Text)).ToArray();
        var scorers = prompts.Select(Scorer).ToArray();
        bool stopWhenDecided = Options.StopWhenDecided;
        var eos = _model.Config.EosTokenIds;

        var generated = _model.Generate(ids, Options.MaxNewTokens, intervention?.ToHookSet(),
            stop: (i, newIds) => scorers[i].CanStop(Decode(newIds, eos), stopWhenDecided));

        var outcomes = new PromptOutcome[prompts.Count];
        for (int i = 0; i < prompts.Count; i++)
        {
            var p = prompts[i];
            string text = ContinuationScorer.FirstLine(Decode(generated[i].NewIds, eos));
            outcomes[i] = new PromptOutcome(p.Relation, p.Language, p.FactId, p.Text, text, scorers[i].IsCorrect(text));
        }
        return EvaluationResult.Create(condition, outcomes);
    }

    /// <summary>Answers are normalised once per distinct (language, answers), not once per condition.</summary>
    private ContinuationScorer Scorer(Prompt p)
    {
        var key = (p.Language, string.Join('\u0001', p.Answers));
        lock (_cacheLock)
        {
            if (!_scorers.TryGetValue(key, out var scorer))
                _scorers[key] = scorer = new ContinuationScorer(_matcher, p.Answers, p.Language);
            return scorer;
        }
    }

    private int[] Encode(string text)
    {
        lock (_cacheLock)
        {
            if (!_ids.TryGetValue(text, out var ids))
                _ids[text] = ids = _tokenizer.Encode(text, _tokenizer.AddBosByDefault);
            return ids;
        }
    }

    /// <summary>Generated text without a final EOS token.</summary>
    private string Decode(ReadOnlySpan<int> ids, IReadOnlyList<int> eos)
    {
        if (ids.Length > 0 && eos.Contains(ids[^1])) ids = ids[..^1];
        return _tokenizer.Decode(ids);
    }
}
