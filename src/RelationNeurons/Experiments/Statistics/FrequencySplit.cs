using RelationNeurons.Analysis;
using RelationNeurons.Evaluation;

namespace RelationNeurons.Experiments.Statistics;

/// <summary>Whether a fact's recall survived the deactivation of its relation's neurons.</summary>
public enum FactSensitivity { Resilient, Sensitive }

/// <summary>A fact's frequency (documents with both subject and object) and its sensitivity.</summary>
public sealed record FactFrequencyOutcome(string Relation, string FactId, long Frequency, FactSensitivity Sensitivity);

/// <summary>
/// One relation's resilient against sensitive facts: how many of each, their mean frequency, and
/// the relative difference (sensitive − resilient) / resilient (null when no fact of either kind,
/// or when the resilient mean is 0).
/// </summary>
public sealed record FrequencySplitRow(string Relation, int Resilient, int Sensitive, double? ResilientMean, double? SensitiveMean, double? RelativeDifference);

/// <summary>
/// The rows, one per relation (first-seen order), and a Wilcoxon signed-rank test over the
/// relations that have both kinds of fact, pairing each relation's sensitive mean with its
/// resilient mean (null when no relation has both).
/// </summary>
public sealed record FrequencySplitSummary(IReadOnlyList<FrequencySplitRow> Relations, WilcoxonResult? Test);

/// <summary>
/// The fact-frequency analysis of the paper's App E: are the facts whose recall is lost when a
/// relation's neurons are deactivated (sensitive) rarer or more frequent in the training corpus
/// than those recalled anyway (resilient)?
/// </summary>
public static class FrequencySplit
{
    /// <summary>
    /// The sensitivity of each fact the clean model recalls: over the fact's prompts that are right
    /// under <paramref name="clean"/>, sensitive when any of them is wrong under
    /// <paramref name="deactivated"/> (paired by relation, language, fact id and prompt text),
    /// resilient when all stay right. Facts with no prompt right under clean are left out.
    /// Keyed by (relation, fact id), so give results of one language.
    /// </summary>
    public static IReadOnlyDictionary<(string Relation, string FactId), FactSensitivity> Sensitivities(EvaluationResult clean, EvaluationResult deactivated)
    {
        var after = deactivated.Outcomes.ToDictionary(o => (o.Relation, o.Language, o.FactId, o.Prompt), o => o.Correct);
        var result = new Dictionary<(string, string), FactSensitivity>();
        foreach (var o in clean.Outcomes.Where(o => o.Correct))
        {
            if (!after.TryGetValue((o.Relation, o.Language, o.FactId, o.Prompt), out bool right))
                throw new ArgumentException($"the deactivated result has no outcome for {o.Relation}/{o.Language}/{o.FactId}: '{o.Prompt}'");
            var key = (o.Relation, o.FactId);
            if (!right) result[key] = FactSensitivity.Sensitive;
            else result.TryAdd(key, FactSensitivity.Resilient);
        }
        return result;
    }

    /// <summary>The frequencies of the facts that have a sensitivity (the others are not counted).</summary>
    public static IReadOnlyList<FactFrequencyOutcome> Join(IEnumerable<FactFrequency> frequencies,
        IReadOnlyDictionary<(string Relation, string FactId), FactSensitivity> sensitivities) =>
        frequencies.Where(f => sensitivities.ContainsKey((f.Fact.Relation, f.Fact.FactId)))
            .Select(f => new FactFrequencyOutcome(f.Fact.Relation, f.Fact.FactId, f.Documents, sensitivities[(f.Fact.Relation, f.Fact.FactId)]))
            .ToList();

    public static FrequencySplitSummary Summarize(IEnumerable<FactFrequencyOutcome> facts)
    {
        var rows = new List<FrequencySplitRow>();
        foreach (var group in facts.GroupBy(f => f.Relation, StringComparer.Ordinal))
        {
            var resilient = group.Where(f => f.Sensitivity == FactSensitivity.Resilient).Select(f => (double)f.Frequency).ToArray();
            var sensitive = group.Where(f => f.Sensitivity == FactSensitivity.Sensitive).Select(f => (double)f.Frequency).ToArray();
            double? r = resilient.Length == 0 ? null : resilient.Average();
            double? s = sensitive.Length == 0 ? null : sensitive.Average();
            double? relative = r is > 0 && s is not null ? (s - r) / r : null;
            rows.Add(new FrequencySplitRow(group.Key, resilient.Length, sensitive.Length, r, s, relative));
        }
        var paired = rows.Where(x => x.ResilientMean is not null && x.SensitiveMean is not null).ToList();
        var test = paired.Count == 0 ? null : WilcoxonSignedRank.Test(
            paired.Select(x => x.SensitiveMean!.Value).ToArray(), paired.Select(x => x.ResilientMean!.Value).ToArray());
        return new FrequencySplitSummary(rows, test);
    }
}
