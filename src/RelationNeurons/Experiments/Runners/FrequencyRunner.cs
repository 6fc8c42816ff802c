using RelationNeurons.Analysis;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// App E: each relation's P^eva facts in the source language split into resilient and sensitive
/// ones by the intra-relation evaluations (clean, r's neurons off; shared), their subject–object
/// co-occurrence counted in the corpus (<see cref="CooccurrenceCounter"/>, all cores), and the
/// relations' mean frequencies compared (<see cref="FrequencySplit"/>).
/// </summary>
public sealed class FrequencyRunner(ExperimentServices services) : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Frequency;

    private static string Source(ConditionPlanner planner) => planner.Options.SourceLanguage;

    private static IReadOnlyList<string> Relations(ConditionPlanner planner) =>
        planner.Languages.Contains(Source(planner)) ? planner.RelationsIn(Source(planner)) : [];

    /// <summary>Whether App E counts a corpus in this run: a corpus given and a relation with a set and test prompts in the source language.</summary>
    public static bool CountsCorpus(ConditionPlanner planner) => planner.Inputs.Corpus is not null && Relations(planner).Count > 0;

    /// <summary>
    /// Every fact App E may count: the source language's test facts of the relations with a set, in
    /// test-prompt order. Those the clean model recalls are counted; a sharded run counts all of
    /// them (before any evaluation is known) and keeps those (<see cref="CooccurrenceCounts.For"/>).
    /// </summary>
    public static IReadOnlyList<CooccurrenceFact> CandidateFacts(ConditionPlanner planner)
    {
        var relations = Relations(planner).ToHashSet(StringComparer.Ordinal);
        return planner.Inputs.TestPrompts
            .Where(p => p.Language == Source(planner) && relations.Contains(p.Relation))
            .DistinctBy(p => (p.Relation, p.FactId))
            .Select(p => new CooccurrenceFact(p.Relation, p.FactId, p.Subject, p.Object)).ToArray();
    }

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        var relations = Relations(planner);
        if (relations.Count == 0 || planner.Inputs.Corpus is null) yield break;
        yield return planner.Clean();
        foreach (string rel in relations) yield return planner.Deactivated(rel, Source(planner));
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        string source = Source(planner);
        var relations = Relations(planner);
        string? reason = planner.Inputs.Corpus is null ? $"no corpus given ({planner.Inputs.CorpusMissing ?? "pass --corpus"})"
            : relations.Count == 0 ? $"no relation has a neuron set and test prompts in '{source}'" : null;
        if (reason is not null) return (FrequencyResult.NotComputed(source, reason), reason);

        var clean = evaluation(planner.Clean());
        var sensitivities = new Dictionary<(string Relation, string FactId), FactSensitivity>();
        foreach (string rel in relations)
            foreach (var (key, value) in FrequencySplit.Sensitivities(clean.Only(rel, source), evaluation(planner.Deactivated(rel, source)).Only(rel, source)))
                sensitivities[key] = value;
        // Only the facts the clean model recalls have a sensitivity; the others are not counted.
        var facts = CandidateFacts(planner).Where(f => sensitivities.ContainsKey((f.Relation, f.FactId))).ToArray();
        var counts = services.CorpusCounts?.Invoke(facts) ?? CooccurrenceCounter.Count(planner.Inputs.Corpus!, facts, services.CorpusProgress, cancel: services.Cancel);
        var outcomes = FrequencySplit.Join(counts.Facts, sensitivities);
        var summary = FrequencySplit.Summarize(outcomes);
        return (new FrequencyResult(source, Path.GetFullPath(planner.Inputs.Corpus!), counts.Files, counts.Documents, summary.Relations, summary.Test, outcomes, null), null);
    }
}
