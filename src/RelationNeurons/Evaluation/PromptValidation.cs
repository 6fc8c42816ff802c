using RelationNeurons.Data;
using RelationNeurons.IO;

namespace RelationNeurons.Evaluation;

/// <summary>Detection prompts of one relation in one language, before and after validation.</summary>
public sealed record ValidationCount(string Relation, string Language, int Before, int After);

/// <summary><c>validation/validation.json</c> (in the run folder): detection prompts per relation and language before and after validation.</summary>
public sealed record ValidationSummary(bool Validated, string Criterion, int MaxNewTokens, int Before, int After,
    IReadOnlyList<ValidationCount> Counts, IReadOnlyList<string> Skipped) : IVersionedResult
{
    public const string FileName = "validation.json";
    /// <summary>Where a run keeps it, relative to the run folder.</summary>
    public const string RunPath = "validation/validation.json";
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>What validation kept: the prompts the unmodified model answers right, in their order, and the counts.</summary>
public sealed record ValidationResult(IReadOnlyList<Prompt> Kept, IReadOnlyList<ValidationCount> Counts, IReadOnlyList<PromptOutcome> Outcomes)
{
    /// <summary>Relation–language pairs the model knows no fact of (nothing kept): they get no neurons.</summary>
    public IReadOnlyList<ValidationCount> Emptied => Counts.Where(c => c.Before > 0 && c.After == 0).ToList();
}

/// <summary>
/// The paper's validation of the detection prompts (§2.1, METHOD.md §1): the unmodified model
/// answers every identification prompt with the evaluation's settings (greedy, the protocol's
/// token budget and answer criterion), and only the prompts it answers right go on to the
/// expertise stage. Prompts are evaluated in chunks so that a caller can show progress and stop.
/// </summary>
public static class PromptValidation
{
    public static ValidationResult Run(IConditionEvaluator evaluator, IReadOnlyList<Prompt> prompts,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default, int chunk = 512)
    {
        var outcomes = new List<PromptOutcome>(prompts.Count);
        for (int first = 0; first < prompts.Count; first += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = prompts.Skip(first).Take(chunk).ToArray();
            outcomes.AddRange(evaluator.Evaluate("validation", part, null).Outcomes);
            progress?.Report((first + part.Length, prompts.Count));
        }
        return FromVerdicts(prompts, outcomes.Select(o => o.Correct).ToArray()) with { Outcomes = outcomes };
    }

    /// <summary>
    /// What validation keeps given each prompt's verdict (answered right or not), in prompt order:
    /// how a sharded validation is merged from its shards' verdicts (<see cref="ValidationResult.Outcomes"/> left empty).
    /// </summary>
    public static ValidationResult FromVerdicts(IReadOnlyList<Prompt> prompts, IReadOnlyList<bool> correct)
    {
        if (correct.Count != prompts.Count) throw new ArgumentException($"{correct.Count} verdicts for {prompts.Count} prompts", nameof(correct));
        return new ValidationResult(prompts.Where((_, i) => correct[i]).ToList(), Counts(prompts, i => correct[i]), []);
    }

    /// <summary>What validation switched off gives: every prompt kept, counted the same way.</summary>
    public static ValidationResult KeepAll(IReadOnlyList<Prompt> prompts) => new(prompts, Counts(prompts, _ => true), []);

    /// <summary>Prompts per (relation, language), sorted, before and after (those <paramref name="kept"/> says, by index).</summary>
    private static List<ValidationCount> Counts(IReadOnlyList<Prompt> prompts, Func<int, bool> kept) =>
        prompts.Select((p, i) => (p.Relation, p.Language, Kept: kept(i)))
            .GroupBy(x => (x.Relation, x.Language))
            .OrderBy(g => g.Key.Relation, StringComparer.Ordinal).ThenBy(g => g.Key.Language, StringComparer.Ordinal)
            .Select(g => new ValidationCount(g.Key.Relation, g.Key.Language, g.Count(), g.Count(x => x.Kept)))
            .ToList();
}
