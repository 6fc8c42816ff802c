using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Table 2: perplexity of object sentences before and after the relation's neurons are off, beside the paper's.</summary>
internal static class PerplexitySection
{
    public const string Id = "perplexity";
    public const string Title = "Table 2. Perplexity of object sentences";

    public const string What =
        "Sentences that contain one of the relation's objects but neither a subject nor the relation (the relation file's `object_sentences`, at most 50) are scored by the model " +
        "with BOS prepended: PPL = exp(mean negative log-likelihood of every token after BOS) per sentence, averaged over the sentences (\"mean\"; Hugging Face evaluate's mean_perplexity). " +
        "\"Pooled\" is exp of the mean NLL over all the relation's tokens. Before: the clean model; after: the relation's neurons set to 0; random: as many random units, mean over the run's random seeds. " +
        "If the neurons held the objects themselves, the perplexity would rise; the paper finds it mostly unchanged.";

    public static ReportSection Build(ObjectPerplexityResult r, string? model)
    {
        if (r.Entries.Count == 0) return NotComputed.Build(Id, Title, What, r.Skipped ?? "no relation to show");
        string ours = PaperNumbers.ThisRun(model);
        string P(double v) => Format.Number(v, "0.00");
        var rows = r.Entries.Select(e =>
        {
            var paper = PaperNumbers.Table2.GetValueOrDefault(e.Relation);
            return (IReadOnlyList<string>)
            [
                e.Relation, e.Language,
                paper is null ? "—" : Format.Int(paper.Sentences), paper is null ? "—" : P(paper.Before), paper is null ? "—" : P(paper.After),
                Format.Int(e.Sentences), P(e.Clean.MeanText), P(e.Deactivated.MeanText), P(e.Random.MeanText),
                $"{P(e.Clean.Pooled)} → {P(e.Deactivated.Pooled)}",
            ];
        }).ToList();
        var table = new ReportTable($"Table 2. Perplexity before and after the relation's neurons are off ({PaperNumbers.Label} beside {ours})",
            ["relation", "lang", $"sentences ({PaperNumbers.Label})", $"before ({PaperNumbers.Label})", $"after ({PaperNumbers.Label})",
             $"sentences ({ours})", $"before ({ours})", $"after ({ours})", $"random ({ours})", "pooled, before → after"], rows);
        return new ReportSection(Id, Title, [What], [], [table]);
    }
}
