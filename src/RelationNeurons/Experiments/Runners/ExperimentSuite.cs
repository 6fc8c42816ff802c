using System.Collections.Concurrent;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>Progress of a suite: conditions evaluated (or found stored) so far out of all it needs.</summary>
public readonly record struct SuiteProgress(int Done, int Total, string? Condition);

/// <summary>What a shard of a suite did: its share of the plan's conditions, and its answers to Table 2's and Table 4's questions.</summary>
public sealed record ShareOutcome(int First, int Count, int Total, ProbeAnswers Answers);

/// <summary>What one experiment produced: its result file, or why it was skipped.</summary>
public sealed record ExperimentOutcome(ExperimentKind Kind, IVersionedResult? Result, string? SkipReason, string? File);

/// <summary>
/// Runs several experiments together: collects the conditions they need, evaluates each distinct
/// condition once (reusing stored evaluations), then builds and writes every result file.
/// <paramref name="services"/> gives the experiments that ask the model more than prompt recall
/// (Table 2, Table 4) its probe, and the corpus count (App E) its progress.
/// </summary>
public sealed class ExperimentSuite(ExperimentInputs inputs, ExperimentOptions options, IConditionEvaluator evaluator, EvaluationStore store,
    ExperimentServices? services = null)
{
    public ConditionPlanner Planner { get; } = new(inputs, options);

    /// <summary>The distinct conditions the given experiments need, clean first.</summary>
    public IReadOnlyList<ConditionRequest> Plan(IEnumerable<ExperimentKind> kinds)
    {
        var byLabel = new Dictionary<string, ConditionRequest>(StringComparer.Ordinal);
        var order = new List<ConditionRequest>();
        foreach (var kind in kinds.Distinct())
            foreach (var request in ExperimentRunners.For(kind).Plan(Planner))
            {
                if (byLabel.TryGetValue(request.Label, out var seen))
                {
                    if (seen.Key != request.Key) throw new InvalidOperationException($"condition '{request.Label}' planned twice with different content");
                    continue;
                }
                byLabel[request.Label] = request;
                order.Add(request);
            }
        return order.OrderBy(r => r.Intervention is null ? 0 : 1).ToArray();
    }

    /// <summary>Evaluates what the experiments need, builds their results and writes them into <paramref name="outFolder"/> (null: write nothing).</summary>
    public IReadOnlyList<ExperimentOutcome> Run(IEnumerable<ExperimentKind> kinds, string? outFolder,
        IProgress<SuiteProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var list = kinds.Distinct().ToArray();
        var results = Evaluate(Plan(list), progress, cancellationToken);
        EvaluationResult Get(ConditionRequest r) => results.TryGetValue(r.Label, out var e) ? e
            : throw new InvalidOperationException($"condition '{r.Label}' was not planned");

        var outcomes = new List<ExperimentOutcome>();
        var buildServices = (services ?? ExperimentServices.None) with { Cancel = cancellationToken };
        foreach (var kind in list)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (result, skip) = ExperimentRunners.For(kind, buildServices).Build(Planner, Get);
            string? file = null;
            if (result is not null && outFolder is not null)
            {
                Directory.CreateDirectory(outFolder);
                file = Path.Combine(outFolder, ExperimentKinds.FileName(kind));
                SaveResult(file, result);
            }
            outcomes.Add(new ExperimentOutcome(kind, result, skip, file));
        }
        return outcomes;
    }

    /// <summary>
    /// Evaluates and stores shard <paramref name="shard"/>'s contiguous share of the plan (conditions
    /// already stored are reused) and asks the model its share of Table 2's and Table 4's questions,
    /// and builds nothing: once every shard's conditions are in the store, <see cref="Run"/> with
    /// the shards' answers (<see cref="ProbeAnswers.Replay"/>) as its probe finds everything and writes
    /// the result files one process would have. Shares are balanced by prompts (a condition's cost),
    /// not by condition count: the clean run over every test prompt and a 10-prompt cumulativity point
    /// are far apart. Returns the share (first condition, count) out of the plan's total, and the answers.
    /// </summary>
    public ShareOutcome EvaluateShare(IEnumerable<ExperimentKind> kinds, Shard shard,
        IProgress<SuiteProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var list = kinds.Distinct().ToArray();
        var plan = Plan(list);
        var (first, count) = shard.Range(plan.Select(r => (long)Math.Max(1, r.Scope.Count)).ToArray());
        var share = plan.Skip(first).Take(count).ToArray();
        var results = Evaluate(share, progress, cancellationToken);
        var answers = ProbeAnswers.Empty;
        if (services?.Probe is { } probe && (list.Contains(ExperimentKind.Perplexity) || list.Contains(ExperimentKind.ErrorTypes)))
        {
            var recording = ProbeAnswers.Recording(probe);
            if (list.Contains(ExperimentKind.Perplexity)) AskPerplexityShare(shard, recording, cancellationToken);
            if (list.Contains(ExperimentKind.ErrorTypes)) AskErrorTypesShare(share, results, recording, cancellationToken);
            answers = recording.Answers;
        }
        return new ShareOutcome(first, count, plan.Count, answers);
    }

    /// <summary>Table 2's passes are shared like the conditions: contiguous, balanced by the texts' length.</summary>
    private void AskPerplexityShare(Shard shard, ITextProbe probe, CancellationToken cancellationToken)
    {
        var passes = PerplexityRunner.Passes(Planner);
        var (first, count) = shard.Range(passes.Select(p => (long)p.Texts.Sum(t => t.Length + 1)).ToArray());
        foreach (var pass in passes.Skip(first).Take(count))
        {
            cancellationToken.ThrowIfCancellationRequested();
            probe.Perplexity(pass.Texts, pass.Intervention);
        }
    }

    /// <summary>
    /// Table 4 goes with the conditions it needs: the shard whose share holds r's deactivation in A
    /// continues r's flipped prompts, so it has one of the two evaluations that decide the flips at
    /// hand. The other, the clean model on r's prompts, is this shard's or the store's when it is
    /// there, else evaluated here on just those prompts: a prompt's outcome does not depend on the
    /// prompts batched with it (docs/engine.md), so these are the clean condition's own outcomes.
    /// </summary>
    private void AskErrorTypesShare(IReadOnlyList<ConditionRequest> share, IReadOnlyDictionary<string, EvaluationResult> results,
        ITextProbe probe, CancellationToken cancellationToken)
    {
        var clean = Planner.Clean();
        EvaluationResult? cleanAll = results.TryGetValue(clean.Label, out var c) || store.TryLoad(clean, out c) ? c : null;
        var labels = share.Select(r => r.Label).ToHashSet(StringComparer.Ordinal);
        foreach (var (rel, lang) in ErrorTypesRunner.Pairs(Planner))
        {
            var deactivated = Planner.Deactivated(rel, lang);
            if (!labels.Contains(deactivated.Label)) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var cleanHere = cleanAll ?? evaluator.Evaluate(clean.Label, clean.Scope.Where(p => p.Relation == rel && p.Language == lang).ToArray(), null);
            ErrorTypesRunner.Continued(Planner, cleanHere, results[deactivated.Label], rel, lang, probe);
        }
    }

    /// <summary>Each planned condition's evaluation, from the store or evaluated (and stored) now.</summary>
    private ConcurrentDictionary<string, EvaluationResult> Evaluate(IReadOnlyList<ConditionRequest> plan, IProgress<SuiteProgress>? progress, CancellationToken cancellationToken)
    {
        var results = new ConcurrentDictionary<string, EvaluationResult>(StringComparer.Ordinal);
        int done = 0;
        progress?.Report(new SuiteProgress(0, plan.Count, null));
        var pending = new List<ConditionRequest>();
        foreach (var request in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!store.TryLoad(request, out var stored)) { pending.Add(request); continue; }
            results[request.Label] = stored;
            progress?.Report(new SuiteProgress(++done, plan.Count, request.Label));
        }
        // The clean condition goes first and leaves its work for the intervened ones to reuse; when
        // it was stored (or is another shard's), the evaluator is asked to redo that shared work once instead.
        if (pending.Count > 0 && pending.All(r => r.Intervention is not null))
            evaluator.Prepare(pending.SelectMany(r => r.Scope).Distinct().ToArray());
        void EvaluateOne(ConditionRequest request)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = evaluator.Evaluate(request.Label, request.Scope, request.Intervention);
            store.Save(request, result);
            results[request.Label] = result;
            progress?.Report(new SuiteProgress(Interlocked.Increment(ref done), plan.Count, request.Label));
        }
        if (options.Parallelism <= 1) foreach (var r in pending) EvaluateOne(r);
        else
        {
            // The clean condition first, alone: the others resume from what it keeps.
            var clean = pending.Where(r => r.Intervention is null).ToArray();
            foreach (var r in clean) EvaluateOne(r);
            Parallel.ForEach(pending.Except(clean), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken }, EvaluateOne);
        }
        return results;
    }

    private static void SaveResult(string file, IVersionedResult result)
    {
        switch (result)
        {
            case IntraRelationResult r: ResultJson.Save(file, r); break;
            case InterRelationResult r: ResultJson.Save(file, r); break;
            case CumulativityResult r: ResultJson.Save(file, r); break;
            case OverlapResult r: ResultJson.Save(file, r); break;
            case CrossLingualResult r: ResultJson.Save(file, r); break;
            case MultilingualResult r: ResultJson.Save(file, r); break;
            case TemplatesResult r: ResultJson.Save(file, r); break;
            case ObjectPerplexityResult r: ResultJson.Save(file, r); break;
            case ErrorTypesResult r: ResultJson.Save(file, r); break;
            case FrequencyResult r: ResultJson.Save(file, r); break;
            default: throw new InvalidOperationException($"unknown result type {result.GetType().Name}");
        }
    }
}
