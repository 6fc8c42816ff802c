using System.Globalization;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Reporting.Figures;

/// <summary>Renders the figures of each experiment result into a folder, as PNG and SVG.</summary>
public static class ExperimentFigures
{
    public static RenderedFigure IntraDrop(IntraRelationResult result, string folder)
    {
        bool before = IntraDropFigure.UsesCorrectBefore(result);
        int level = (int)Math.Round(result.Statistics.ConfidenceLevel * 100);
        const string title = "Intra-relation: accuracy drop vs random";
        string caption = $"Accuracy drop (percentage points) on {(before ? "facts the unmodified model recalled" : "all test facts")} when a relation's own neurons are deactivated (red) and when as many layer-matched random neurons are (grey){(IntraDropFigure.NeedsPanels(result) ? ", one panel per language" : "")}. Error bars: {level}% bootstrap intervals over facts. *: the paired drop beyond random has an interval excluding 0.";
        if (IntraDropFigure.NeedsPanels(result))
        {
            var (grid, gw, gh, _) = IntraDropFigure.CreatePanels(result);
            return FigureWriter.Save(grid, folder, "intra_drop", title, caption, gw, gh);
        }
        var (plot, w, h, _) = IntraDropFigure.Create(result);
        return FigureWriter.Save(plot, folder, "intra_drop", title, caption, w, h);
    }

    public static RenderedFigure InterHeatmap(InterRelationMatrix m, string folder)
    {
        // The paper's value (Fig 4) when the result has it; results written before it show the change in points.
        if (m.RelativeDrop is { } relative)
        {
            var values = relative.Select(r => r.Select(v => (v ?? 0) * 100).ToArray()).ToArray();
            var drop = new HeatmapSpec($"Fig 4. Relative accuracy drop, relation × relation ({m.Language})", "tested relation", "deactivated neurons of",
                "relative drop (%)", m.Relations, m.Relations, values, Diverging: true, CellFormat: "+0;-0;0");
            var (dp, dw, dh) = HeatmapFigure.Create(drop);
            return FigureWriter.Save(dp, folder, $"inter_{Safe(m.Language)}", $"Fig 4. Inter-relation matrix ({m.Language})",
                "Relative accuracy drop (acc_clean − acc_deactivated) / acc_clean, in %, of the column relation when the row relation's neurons are deactivated (all test facts). Red: recall lost; blue: negative drop, recall gained (interference). A column the clean model never gets right shows 0.",
                dw, dh);
        }
        var spec = new HeatmapSpec($"Accuracy change, relation × relation ({m.Language})", "tested relation", "deactivated neurons of",
            "accuracy change (pp)", m.Relations, m.Relations, Scale(m.AccuracyChange, 100), Diverging: true, CellFormat: "+0;-0;0",
            NegativeIsRed: true);
        var (plot, w, h) = HeatmapFigure.Create(spec);
        return FigureWriter.Save(plot, folder, $"inter_{Safe(m.Language)}", $"Inter-relation matrix ({m.Language})",
            "Change in accuracy (percentage points, all test facts) of the column relation when the row relation's neurons are deactivated. Red: recall lost; blue: recall gained (interference).",
            w, h);
    }

    public static RenderedFigure Cumulativity(CumulativityResult result, string folder)
    {
        bool before = CumulativityFigure.UsesCorrectBefore(result);
        const string title = "Cumulative deactivation";
        string caption = $"Accuracy ({(before ? "facts the unmodified model recalled" : "all test facts")}) as growing prefixes of each relation's expertise ranking are deactivated (solid, x: number of units, log scale), and for as many layer-matched random neurons (dashed). Dotted: the unmodified model; vertical dashed line: the relation's selected set (N units), used by the other experiments.";
        if (result.Curves.Count <= CumulativityFigure.SinglePanelLimit)
        {
            var (plot, w, h) = CumulativityFigure.CreateSingle(result);
            return FigureWriter.Save(plot, folder, "cumulativity", title, caption, w, h);
        }
        var (grid, gw, gh) = CumulativityFigure.CreateGrid(result);
        return FigureWriter.Save(grid, folder, "cumulativity", title, caption, gw, gh);
    }

    public static RenderedFigure OverlapHeatmap(OverlapMatrix m, string folder)
    {
        var spec = new HeatmapSpec($"Neuron overlap, Jaccard index ({m.Language})", "relation", "relation", "Jaccard index",
            m.Relations, m.Relations, m.Jaccard, Diverging: false,
            // Small overlaps need a third decimal to be told apart from 0.
            CellFormat: OffDiagonalMax(m.Jaccard) >= 0.1 ? "0.00" : "0.000",
            DiagonalText: m.SetSizes.Select(n => "n=" + n.ToString(CultureInfo.InvariantCulture)).ToArray());
        var (plot, w, h) = HeatmapFigure.Create(spec);
        return FigureWriter.Save(plot, folder, $"overlap_{Safe(m.Language)}", $"Neuron overlap ({m.Language})",
            "Jaccard index |U_r ∩ U_r'| / |U_r ∪ U_r'| of the relations' neuron sets; the diagonal gives each set's size.", w, h);
    }

    public static RenderedFigure LayerDistribution(OverlapMatrix m, string folder)
    {
        var (plot, w, h) = LayerDistributionFigure.Create(m);
        return FigureWriter.Save(plot, folder, $"layers_{Safe(m.Language)}", $"Relation neurons per layer ({m.Language})",
            "Number of each relation's selected neurons in each layer (stacked).", w, h);
    }

    public static RenderedFigure CrossLingual(CrossLingualResult result, string folder)
    {
        var m = result.Mean;
        int n = result.Languages.Count;
        var beyond = Enumerable.Range(0, n).Select(a => Enumerable.Range(0, n).Select(b => 100 * (m.Drop[a][b] - m.RandomDrop[a][b])).ToArray()).ToArray();
        var spec = new HeatmapSpec("Cross-lingual drop beyond random", "recall measured in", "neurons found in",
            "drop − random drop (pp)", result.Languages, result.Languages, beyond, Diverging: true, CellFormat: "+0.0;-0.0;0");
        var (plot, w, h) = HeatmapFigure.Create(spec);
        return FigureWriter.Save(plot, folder, "crosslingual", "Cross-lingual transfer",
            $"Accuracy drop (percentage points, mean over {result.PerRelation.Count} relations) in the column language when the relation's neurons found in the row language are deactivated, minus the drop for layer-matched random neurons. Red: recall lost beyond random.",
            w, h);
    }

    public static RenderedFigure Multilingual(MultilingualResult result, string folder)
    {
        var relations = result.Entries.Select(e => e.Relation).Distinct().ToArray();
        var languages = result.Languages.Where(l => result.Entries.Any(e => e.Language == l)).ToArray();
        var values = relations.Select(rel => languages.Select(lang =>
            result.Entries.FirstOrDefault(e => e.Relation == rel && e.Language == lang) is { } e ? 100 * e.Comparison.DropDeactivated : 0).ToArray()).ToArray();
        var spec = new HeatmapSpec($"Fig 7. Accuracy drop with the {result.SourceLanguage} neurons off", "language of the prompts", "relation",
            "accuracy drop (pp)", relations, languages, values, Diverging: true, CellFormat: "+0;-0;0");
        var (plot, w, h) = HeatmapFigure.Create(spec);
        return FigureWriter.Save(plot, folder, "multilingual", $"Fig 7. Multilingual transfer ({result.SourceLanguage} neurons)",
            $"Accuracy drop (percentage points, clean minus after) on each relation's P^eva facts in the column language when its neurons found in {result.SourceLanguage} are set to 0. " +
            "Red: recall lost. A relation without prompts in a language shows 0 there (see the notes). The random baseline is in the table.", w, h);
    }

    public static RenderedFigure Templates(TemplatesResult result, string folder)
    {
        var rows = result.Entries.Select(e => $"{e.Relation} ({e.Language})").ToArray();
        var values = result.Entries.Select(e => new[] { e.Original.DropDeactivated, e.Alternative.DropDeactivated, e.Alternative.DropRandom }.Select(v => 100 * v).ToArray()).ToArray();
        var spec = new HeatmapSpec("Fig 8. Accuracy drop on a new template", "prompts", "relation", "accuracy drop (pp)",
            rows, ["P^eva", "P^eva-2", "P^eva-2, random"], values, Diverging: true, CellFormat: "+0;-0;0");
        var (plot, w, h) = HeatmapFigure.Create(spec);
        return FigureWriter.Save(plot, folder, "templates", "Fig 8. New templates",
            "Accuracy drop (percentage points, clean minus after) when the relation's neurons are set to 0, on its P^eva prompts (the first template), on P^eva-2 (the same facts in another template), " +
            "and on P^eva-2 with as many random units set to 0. Red: recall lost.", w, h);
    }

    private static double OffDiagonalMax(double[][] m) =>
        m.SelectMany((row, i) => row.Where((_, j) => j != i)).DefaultIfEmpty(0).Max();

    internal static double[][] Scale(double[][] m, double factor) => m.Select(row => row.Select(v => v * factor).ToArray()).ToArray();

    internal static string Safe(string s) =>
        new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    internal static string Pp(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
