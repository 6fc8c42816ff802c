using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Sections;

namespace RelationNeurons.Reporting;

/// <summary>Turns a run's results into the report's content, rendering figures into a folder.</summary>
public static class ReportBuilder
{
    public static ReportDocument Build(RunResults run, string figuresFolder)
    {
        var sections = new List<ReportSection>();
        var notes = new List<string>();
        void Add(object? result, bool empty, string file, string what, Func<ReportSection> build)
        {
            if (result is null) notes.Add($"{what}: not in this report ({file} not found in the run folder).");
            else if (empty) notes.Add($"{what}: not in this report ({file} holds no result).");
            else sections.Add(build());
        }

        // The paper's order: Fig 1-2, 3, 4, 5-6 with Table 3, 7, 8, Tables 2 and 4, App E; then our extension and the run.
        if (run.Validation is { } validation) sections.Add(ValidationSection.Build(validation));
        string? model = run.Summary?.Model.Name;
        Add(run.Overlap, run.Overlap?.Matrices.Count == 0, RunFiles.Overlap, "Neuron overlap", () => OverlapSection.Build(run.Overlap!, figuresFolder, model));
        Add(run.Intra, run.Intra?.Entries.Count == 0, RunFiles.Intra, "Intra-relation deactivation", () => IntraSection.Build(run.Intra!, figuresFolder));
        Add(run.Inter, run.Inter?.Matrices.Count == 0, RunFiles.Inter, "Inter-relation effects", () => InterSection.Build(run.Inter!, figuresFolder));
        Add(run.Cumulativity, run.Cumulativity is { } c && (c.Curves.Count == 0 || c.Curves.Any(k => k.Points.Count == 0)),
            RunFiles.Cumulativity, "Cumulative deactivation", () => CumulativitySection.Build(run.Cumulativity!, figuresFolder));
        // The paper's further analyses: a result that could not be computed still gets its section, saying why.
        Add(run.Multilingual, false, RunFiles.Multilingual, MultilingualSection.Title, () => MultilingualSection.Build(run.Multilingual!, figuresFolder));
        Add(run.Templates, false, RunFiles.Templates, TemplatesSection.Title, () => TemplatesSection.Build(run.Templates!, figuresFolder));
        Add(run.Perplexity, false, RunFiles.Perplexity, PerplexitySection.Title, () => PerplexitySection.Build(run.Perplexity!, model));
        Add(run.ErrorTypes, false, RunFiles.ErrorTypes, ErrorTypesSection.Title, () => ErrorTypesSection.Build(run.ErrorTypes!, model));
        Add(run.Frequency, false, RunFiles.Frequency, FrequencySection.Title, () => FrequencySection.Build(run.Frequency!));
        Add(run.CrossLingual, run.CrossLingual is { } x && (x.Languages.Count == 0 || x.PerRelation.Count == 0),
            RunFiles.CrossLingual, "Cross-lingual transfer", () => CrossLingualSection.Build(run.CrossLingual!, figuresFolder));
        Add(run.Summary, false, RunFiles.Summary, "Model fingerprint, settings and reproduction", () => RunSection.Build(run.Summary!));

        var (shows, doesNotShow) = Findings.Write(run);
        string title = run.Summary is { } s ? $"Relation-specific neurons in {s.Model.Name}" : "Relation-specific neurons";
        return new ReportDocument(title, Path.GetFullPath(run.Folder), shows, doesNotShow, notes, sections);
    }
}
