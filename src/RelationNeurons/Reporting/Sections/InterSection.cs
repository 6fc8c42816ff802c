using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Relation × relation effects, their random baseline, and the interference cells.</summary>
internal static class InterSection
{
    public static ReportSection Build(InterRelationResult r, string figures)
    {
        var paragraphs = new List<string>
        {
            "Row: the relation whose neurons were deactivated; column: the relation tested. The heat map (the paper's Fig 4) shows the relative drop (acc_clean − acc_deactivated) / acc_clean: a negative off-diagonal cell is interference (the other relation's neurons were holding it back). The tables give the change in accuracy in percentage points (all test facts): negative is lost recall.",
        };
        var figureList = new List<RenderedFigure>();
        var tables = new List<ReportTable>();
        foreach (var m in r.Matrices)
        {
            figureList.Add(ExperimentFigures.InterHeatmap(m, figures));
            if (m.RelativeDrop is { } relative)
                tables.Add(new ReportTable($"Relative accuracy drop, % ({m.Language})", ["deactivated \\ tested", .. m.Relations],
                    m.Relations.Select((l, i) => (IReadOnlyList<string>)[l, .. relative[i].Select(v => v is { } x ? Format.Pp(x) : "–")]).ToList()));
            tables.Add(Matrix($"Accuracy change, pp ({m.Language})", m.Relations, m.AccuracyChange));
            tables.Add(Matrix($"Random-neuron baseline, accuracy change, pp ({m.Language}; seeds {string.Join(", ", m.RandomSeeds)})", m.Relations, m.RandomAccuracyChange));
            tables.Add(Matrix($"Accuracy change on facts recalled before, pp ({m.Language})", m.Relations, m.AccuracyChangeCorrectBefore));
            paragraphs.Add($"{m.Language}: {m.InterferenceCount} interference cell(s) out of {m.Relations.Count * (m.Relations.Count - 1)} off-diagonal cells.");
            if (m.Interference.Count > 0)
                tables.Add(new ReportTable($"Interference cells ({m.Language})",
                    ["deactivated", "tested", "change (pp)", "random change (pp)", "wrong→correct", "correct→wrong", "facts that flipped to correct"],
                    m.Interference.OrderByDescending(c => c.AccuracyChange).Select(c => (IReadOnlyList<string>)
                    [
                        c.Deactivated, c.Tested, Format.Pp(c.AccuracyChange), Format.Pp(c.RandomAccuracyChange),
                        Format.Int(c.FlippedToCorrect.Count), Format.Int(c.FlippedToWrong), string.Join(", ", c.FlippedToCorrect),
                    ]).ToList()));
        }
        return new ReportSection("inter", "Fig 4. Inter-relation effects", paragraphs, figureList, tables);
    }

    internal static ReportTable Matrix(string caption, IReadOnlyList<string> labels, double[][] values, IReadOnlyList<string>? columns = null, string corner = "deactivated \\ tested")
    {
        var cols = columns ?? labels;
        var rows = labels.Select((l, i) => (IReadOnlyList<string>)[l, .. values[i].Select(Format.Pp)]).ToList();
        return new ReportTable(caption, [corner, .. cols], rows);
    }
}
