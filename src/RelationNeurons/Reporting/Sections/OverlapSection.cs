using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>How much relations' neuron sets share, and where in the network they sit.</summary>
internal static class OverlapSection
{
    public static ReportSection Build(OverlapResult r, string figures)
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
        return new ReportSection("overlap", "Fig 1 and 2. Layer distribution and neuron overlap", paragraphs, figureList, tables);
    }
}
