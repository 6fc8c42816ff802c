using RelationNeurons.Evaluation;

namespace RelationNeurons.Reporting.Sections;

/// <summary>The detection prompts kept by validation (§2.1), per relation and language, and the relations left without any.</summary>
internal static class ValidationSection
{
    public static ReportSection Build(ValidationSummary v)
    {
        var paragraphs = new List<string>
        {
            v.Validated
                ? $"Only the detection prompts the unmodified model answers right ({v.Criterion}, {v.MaxNewTokens} new tokens, the evaluation's criterion) go on to the expertise stage: {Format.Int(v.After)} of {Format.Int(v.Before)} ({Format.Percent(v.Before == 0 ? 0 : (double)v.After / v.Before)})."
                : $"Validation was off (--validation off): all {Format.Int(v.Before)} detection prompts were used.",
        };
        foreach (string s in v.Skipped) paragraphs.Add($"Skipped: {s}.");
        var languages = v.Counts.Select(c => c.Language).Distinct().Order(StringComparer.Ordinal).ToArray();
        var rows = v.Counts.Select(c => c.Relation).Distinct().Order(StringComparer.Ordinal).Select(r => (IReadOnlyList<string>)
        [
            r, .. languages.Select(l => v.Counts.FirstOrDefault(c => c.Relation == r && c.Language == l) is { } c ? $"{Format.Int(c.After)} / {Format.Int(c.Before)}" : "—"),
        ]).ToList();
        var table = new ReportTable("Detection prompts kept / before validation", ["relation", .. languages], rows);
        return new ReportSection("validation", "Detection prompts and their validation", paragraphs, [], [table]);
    }
}
