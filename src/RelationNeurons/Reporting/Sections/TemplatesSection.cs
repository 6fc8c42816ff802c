using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Fig 8: the same neurons deactivated on P^eva-2 (the test facts in a template never used for detection).</summary>
internal static class TemplatesSection
{
    public const string Id = "templates";
    public const string Title = "Fig 8. New templates (P^eva-2)";

    public const string What =
        "Each relation's neurons are set to 0 while the model answers its P^eva facts asked in another template (P^eva-2: the relation file's `alternative_templates`, " +
        "never used for detection), against random sets of the same size. If the neurons encode the relation rather than the wording of its prompts, the drop carries over to the new template.";

    public static ReportSection Build(TemplatesResult r, string figures)
    {
        if (r.Entries.Count == 0) return NotComputed.Build(Id, Title, What, r.Skipped ?? "no relation to show");
        int level = (int)Math.Round(r.Statistics.ConfidenceLevel * 100);
        var tables = new List<ReportTable>
        {
            new("Fig 8. P^eva-2 (new template)", IntraSection.Headers(level), r.Entries.Select(e => IntraSection.Row(e.Relation, e.Language, e.NeuronCount, e.Alternative)).ToList()),
            new("P^eva (the first template, as Fig 3a), for comparison", IntraSection.Headers(level), r.Entries.Select(e => IntraSection.Row(e.Relation, e.Language, e.NeuronCount, e.Original)).ToList()),
        };
        return new ReportSection(Id, Title, [What, "Drops are in percentage points (clean minus after); \"beyond random\" as in Fig 3."],
            [ExperimentFigures.Templates(r, figures)], tables);
    }
}
