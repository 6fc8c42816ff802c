using RelationNeurons.Data;
using RelationNeurons.Inference;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Evaluation;

/// <summary>
/// Greedy completion of test prompts with the engine, scored by the shared <see cref="AnswerMatcher"/>.
/// All prompts of a condition go to the engine in one batched <c>Generate</c> call; each sequence
/// stops at a newline, at EOS, after <see cref="EvaluationOptions.MaxNewTokens"/>, or as soon as
/// its outcome is decided. Token ids of prompts are cached, so many conditions over the same
/// prompts tokenize once.
/// <para>
/// With <see cref="EvaluationOptions.ReuseCleanPrefix"/> (the default), the clean condition (or
/// <see cref="Prepare"/>) records its states in a <see cref="PrefixCache"/>, and every intervened
/// condition resumes from it before its lowest written tap: the layers below, and generated tokens
/// that agree with the clean continuation, are not computed again. Outcomes are unchanged.
/// </para>
/// </summary>
public sealed class Evaluator : IConditionEvaluator, ITextProbe
{
    private readonly LlamaModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly AnswerMatcher _matcher;
    private readonly Dictionary<string, int[]> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Language, string Answers), ContinuationScorer> _scorers = new();
    private readonly Lock _cacheLock = new();
    private readonly Lock _prefixLock = new();
    private PrefixCache? _prefix;
    private bool _prefixFull;

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

    /// <summary>The clean states kept so far (null: none yet, or reuse is off).</summary>
    public PrefixCache? CleanPrefix => Volatile.Read(ref _prefix);

    public EvaluationResult Evaluate(string condition, IReadOnlyList<Prompt> prompts, Intervention? intervention)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) return EvaluationResult.Create(condition, []);
        var ids = prompts.Select(p => Encode(p.Text)).ToArray();
        var stop = StopFor(prompts);
        var eos = _model.Config.EosTokenIds;

        GenerationResult[] generated;
        if (!Options.ReuseCleanPrefix) generated = _model.Generate(ids, Options.MaxNewTokens, intervention?.ToHookSet(), stop);
        else if (intervention is null) generated = GenerateClean(ids, stop);
        else generated = _model.Generate(ids, Options.MaxNewTokens, intervention.ToHookSet(), stop, prefix: CleanPrefix);
        var scorers = prompts.Select(Scorer).ToArray();

        var outcomes = new PromptOutcome[prompts.Count];
        for (int i = 0; i < prompts.Count; i++)
        {
            var p = prompts[i];
            string text = scorers[i].Scored(Decode(generated[i].NewIds, eos));
            outcomes[i] = new PromptOutcome(p.Relation, p.Language, p.FactId, p.Text, text, scorers[i].IsCorrect(text));
        }
        return EvaluationResult.Create(condition, outcomes);
    }

    /// <summary>Perplexity of texts (Table 2); the texts are not prompts, so no prefix cache applies.</summary>
    public PerplexityResult Perplexity(IReadOnlyList<string> texts, Intervention? intervention) =>
        Evaluation.Perplexity.Compute(_model, _tokenizer, texts, intervention);

    /// <summary>Long continuations (Table 4), resuming from the clean prefix cache where it holds the prompt.</summary>
    public IReadOnlyList<string> Continue(IReadOnlyList<string> prompts, Intervention? intervention, int maxNewTokens) =>
        ErrorTypes.Continuations(_model, _tokenizer, prompts, intervention, maxNewTokens, Options.ReuseCleanPrefix ? CleanPrefix : null);

    /// <summary>Records the clean states of <paramref name="prompts"/> not yet kept (one clean generation over them).</summary>
    public void Prepare(IReadOnlyList<Prompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (!Options.ReuseCleanPrefix || prompts.Count == 0) return;
        GenerateClean(prompts.Select(p => Encode(p.Text)).ToArray(), StopFor(prompts));
    }

    /// <summary>Each sequence stops once its first line is complete or its outcome is settled.</summary>
    private StopPredicate StopFor(IReadOnlyList<Prompt> prompts)
    {
        var scorers = prompts.Select(Scorer).ToArray();
        bool stopWhenDecided = Options.StopWhenDecided;
        var eos = _model.Config.EosTokenIds;
        return (i, newIds) => scorers[i].CanStop(Decode(newIds, eos), stopWhenDecided);
    }

    /// <summary>
    /// The clean generation: prompts not yet in the prefix cache are generated while their states
    /// are recorded (and added to the cache, within the engine's memory budget); the others resume
    /// from the cache at its top layer.
    /// </summary>
    private GenerationResult[] GenerateClean(int[][] ids, StopPredicate stop)
    {
        lock (_prefixLock)
        {
            var prefix = _prefix;
            var results = new GenerationResult[ids.Length];
            var missing = new List<int>();
            var seen = new HashSet<int[]>(Inference.PromptComparer.Instance);
            for (int i = 0; i < ids.Length; i++)
                if ((prefix is null || !prefix.Contains(ids[i])) && seen.Add(ids[i])) missing.Add(i);
            var known = Enumerable.Range(0, ids.Length).Except(missing).ToArray();

            if (missing.Count > 0)
            {
                var options = new PrefixCacheOptions
                {
                    Layers = _prefixFull ? [] : prefix?.Layers,
                    MaxBytes = Math.Max(0, _model.Options.MaxPrefixCacheBytes - (prefix?.Bytes ?? 0)),
                };
                var built = _model.BuildPrefixCache(missing.Select(i => ids[i]).ToArray(), Options.MaxNewTokens,
                    (j, newIds) => stop(missing[j], newIds), options: options);
                for (int j = 0; j < missing.Count; j++) results[missing[j]] = built.Clean[j];
                // A cache that had to drop layers would not match the one kept: later prompts run in full.
                if (built.Notice is not null) _prefixFull = true;
                if (built.Count > 0 && (prefix is null || built.Layers.SequenceEqual(prefix.Layers)))
                    Volatile.Write(ref _prefix, prefix is null ? built : prefix.Union(built));
            }
            if (known.Length > 0)
            {
                var again = _model.Generate(known.Select(i => ids[i]).ToArray(), Options.MaxNewTokens, null,
                    (j, newIds) => stop(known[j], newIds), prefix: _prefix);
                for (int j = 0; j < known.Length; j++) results[known[j]] = again[j];
            }
            return results;
        }
    }

    /// <summary>Answers are normalised once per distinct (language, answers), not once per condition.</summary>
    private ContinuationScorer Scorer(Prompt p)
    {
        var key = (p.Language, string.Join('\u0001', p.Answers));
        lock (_cacheLock)
        {
            if (!_scorers.TryGetValue(key, out var scorer))
                _scorers[key] = scorer = new ContinuationScorer(_matcher, p.Answers, p.Language, Options.Match);
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
