using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Reporting.Sections;

/// <summary>App E: are the facts a relation's neurons hold (sensitive) rarer in the corpus than those recalled without them (resilient)?</summary>
internal static class FrequencySection
{
    public const string Id = "frequency";
    public const string Title = "App E. Fact frequency of resilient and sensitive facts";

    public static string What(string language) =>
        $"The frequency of a fact is the number of corpus documents that contain both its subject and its object (case-insensitive, whole words; substrings for Chinese and Japanese). " +
        $"Of each relation's P^eva facts in '{language}' that the clean model recalls, those still recalled with the relation's neurons set to 0 are resilient, the others sensitive. " +
        "Per relation: the mean frequency of each kind and their relative difference (sensitive − resilient) / resilient; across the relations with both kinds, " +
        "a two-sided Wilcoxon signed-rank test of sensitive against resilient means (exact p up to 25 relations, zero differences dropped).";

    public static ReportSection Build(FrequencyResult r)
    {
        if (r.Skipped is not null) return NotComputed.Build(Id, Title, What(r.Language), r.Skipped);
        string Mean(double? v) => v is { } x ? Format.Number(x, "0.0") : "—";
        var paragraphs = new List<string>
        {
            What(r.Language),
            $"Corpus: {r.Corpus} ({Format.Int(r.Files)} files, {Format.Int(r.Documents)} documents).",
            r.Test is { } t
                ? $"Wilcoxon signed-rank over {Format.Int(t.Count)} relations ({Format.Int(t.Zeros)} with equal means dropped): W+ = {Format.Number(t.WPlus, "0.#")}, W− = {Format.Number(t.WMinus, "0.#")}, " +
                  $"p = {Format.P(t.PValue)} ({(t.Exact ? "exact" : "normal approximation")})."
                : "No relation has both resilient and sensitive facts: no test.",
        };
        var table = new ReportTable("App E. Mean fact frequency (documents with subject and object) per relation",
            ["relation", "resilient facts", "sensitive facts", "mean, resilient", "mean, sensitive", "relative difference"],
            r.Relations.Select(x => (IReadOnlyList<string>)
            [
                x.Relation, Format.Int(x.Resilient), Format.Int(x.Sensitive), Mean(x.ResilientMean), Mean(x.SensitiveMean),
                x.RelativeDifference is { } d ? Format.Number(100 * d, "+0.0;-0.0;0.0") + "%" : "—",
            ]).ToList());
        return new ReportSection(Id, Title, paragraphs, [], [table]);
    }
}
