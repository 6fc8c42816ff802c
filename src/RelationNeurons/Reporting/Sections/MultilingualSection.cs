using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Fig 7: the source language's (English) neurons deactivated on the P^eva facts in every language.</summary>
internal static class MultilingualSection
{
    public const string Id = "multilingual";
    public const string Title = "Fig 7. Multilingual transfer: English neurons on other languages";

    public static string What(string source) =>
        $"Each relation's neurons found on the {source} detection prompts are set to 0 while the model answers the relation's P^eva facts translated into each other language " +
        "(the same facts; the prompts of the translations). Random sets of the same size, drawn as the run's `random` setting says, are the baseline. " +
        $"Rows of '{source}' are the same comparison as Fig 3a.";

    public static ReportSection Build(MultilingualResult r, string figures)
    {
        if (r.Entries.Count == 0) return NotComputed.Build(Id, Title, What(r.SourceLanguage), r.Skipped ?? "no relation to show");
        int level = (int)Math.Round(r.Statistics.ConfidenceLevel * 100);
        var paragraphs = new List<string> { What(r.SourceLanguage), "Drops are in percentage points (clean minus after); \"beyond random\" as in Fig 3." };
        if (r.Notes.Count > 0) paragraphs.Add("Left out: " + string.Join("; ", r.Notes) + ".");
        if (r.Skipped is not null) paragraphs.Add(r.Skipped + ".");
        var ordered = r.Languages.SelectMany(l => r.Entries.Where(e => e.Language == l)).ToList();
        var table = new ReportTable($"Fig 7. Accuracy with the {r.SourceLanguage} neurons off, per relation and language",
            IntraSection.Headers(level), ordered.Select(e => IntraSection.Row(e.Relation, e.Language, e.NeuronCount, e.Comparison)).ToList());
        return new ReportSection(Id, Title, paragraphs, [ExperimentFigures.Multilingual(r, figures)], [table]);
    }
}
