using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>How much relations' neuron sets share, and where in the network they sit.</summary>
internal static class OverlapSection
{
    public static ReportSection Build(OverlapResult r, string figures, string? model = null)
    {
        var paragraphs = new List<string> { "Shared neurons between relations' selected sets (diagonal: set size) and the Jaccard index, and the sets' distribution over layers." };
        var figureList = new List<RenderedFigure>();
        var tables = new List<ReportTable>();
        foreach (var m in r.Matrices)
        {
            figureList.Add(ExperimentFigures.OverlapHeatmap(m, figures));
            figureList.Add(ExperimentFigures.LayerDistribution(m, figures));
            tables.Add(new ReportTable($"Shared neurons ({m.Language})", ["relation", .. m.Relations],
                m.Relations.Select((rel, i) => (IReadOnlyList<string>)[rel, .. m.Intersection[i].Select(v => Format.Int(v))]).ToList()));
            tables.Add(new ReportTable($"Neurons per layer ({m.Language})", ["relation", .. Enumerable.Range(0, m.LayerCount).Select(l => "L" + Format.Int(l))],
                m.PerLayer.Select(d => (IReadOnlyList<string>)[d.Relation, .. d.Counts.Select(v => Format.Int(v))]).ToList()));
        }
        if (PaperComparison(r, model) is { } paper) tables.Insert(0, paper);
        return new ReportSection("overlap", "Fig 1 and 2. Layer distribution and neuron overlap", paragraphs, figureList, tables);
    }

    /// <summary>The overlaps the paper's text states (§4.1), beside this run's for the same pairs when its sets include both relations; null when none does.</summary>
    private static ReportTable? PaperComparison(OverlapResult r, string? model)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var p in PaperNumbers.Overlaps)
            foreach (var m in r.Matrices)
            {
                int a = m.Relations.ToList().IndexOf(p.First), b = m.Relations.ToList().IndexOf(p.Second);
                if (a < 0 || b < 0) continue;
                rows.Add([$"{p.First} ∩ {p.Second}", m.Language, $"{Format.Int(p.Shared)} of {Format.Int(p.SetSize)}",
                    $"{Format.Int(m.Intersection[a][b])} of {Format.Int(m.SetSizes[a])} and {Format.Int(m.SetSizes[b])}"]);
            }
        return rows.Count == 0 ? null
            : new ReportTable("Shared neurons the paper states, beside this run's", ["relations", "lang", PaperNumbers.Label, PaperNumbers.ThisRun(model)], rows);
    }
}
