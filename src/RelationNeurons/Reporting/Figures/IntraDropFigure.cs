using RelationNeurons.Experiments.Results;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>
/// Per relation: accuracy drop after deactivating its neurons beside the drop for layer-matched
/// random neurons, with bootstrap confidence intervals; a star marks relations whose drop vs
/// random has an interval excluding 0.
/// </summary>
internal static class IntraDropFigure
{
    public static (Plot Plot, int Width, int Height, bool CorrectBefore) Create(IntraRelationResult result)
    {
        var entries = result.Entries;
        bool correctBefore = entries.All(e => e.FactsCorrectBefore is not null);
        IntraComparison Pick(IntraRelationEntry e) => correctBefore ? e.FactsCorrectBefore! : e.AllFacts;
        bool manyLanguages = entries.Select(e => e.Language).Distinct().Count() > 1;
        string[] labels = entries.Select(e => manyLanguages ? $"{e.Relation} ({e.Language})" : e.Relation).ToArray();

        string subset = correctBefore ? "facts recalled before" : "all test facts";
        int level = (int)Math.Round(result.Statistics.ConfidenceLevel * 100);
        var plot = FigureStyle.NewPlot($"Accuracy drop on {subset}",
            "relation", "accuracy drop (pp)");

        const double half = 0.2, width = 0.38;
        var relationBars = new List<Bar>();
        var randomBars = new List<Bar>();
        var xs = new List<double>();
        var ys = new List<double>();
        var errLow = new List<double>();
        var errHigh = new List<double>();
        double top = 0, bottom = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            var c = Pick(entries[i]);
            foreach (var (x, cmp, bars, color) in new[]
                     {
                         (i - half, c.DropVsClean, relationBars, FigureStyle.RelationColor),
                         (i + half, c.RandomDropVsClean, randomBars, FigureStyle.RandomColor),
                     })
            {
                bars.Add(new Bar { Position = x, Value = cmp.Estimate * 100, Size = width, FillColor = color, LineWidth = 0 });
                xs.Add(x);
                ys.Add(cmp.Estimate * 100);
                errLow.Add((cmp.Estimate - cmp.CiLow) * 100);
                errHigh.Add((cmp.CiHigh - cmp.Estimate) * 100);
                top = Math.Max(top, cmp.CiHigh * 100);
                bottom = Math.Min(bottom, cmp.CiLow * 100);
            }
        }
        var rel = plot.Add.Bars(relationBars);
        rel.LegendText = "relation's neurons";
        var rnd = plot.Add.Bars(randomBars);
        rnd.LegendText = "random neurons (layer-matched)";

        var errors = plot.Add.ErrorBar(xs, ys, errLow);
        errors.YErrorNegative = errLow;
        errors.YErrorPositive = errHigh;
        errors.LineWidth = 1.5f;
        errors.CapSize = 6;
        errors.Color = Colors.Black;
        errors.LegendText = $"{level}% bootstrap CI";

        double pad = Math.Max(4, (top - bottom) * 0.06);
        for (int i = 0; i < entries.Count; i++)
        {
            if (!Pick(entries[i]).DropVsRandom.CiExcludesZero) continue;
            var star = plot.Add.Text("*", i, Math.Max(Pick(entries[i]).DropVsClean.CiHigh, Pick(entries[i]).RandomDropVsClean.CiHigh) * 100 + pad * 0.1);
            star.LabelFontSize = 22;
            star.LabelFontName = FigureStyle.FontName;
            star.LabelBold = true;
            star.LabelAlignment = Alignment.LowerCenter;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Black);

        int perCategory = Math.Clamp(900 / Math.Max(1, entries.Count), 50, 110);
        FigureStyle.CategoryLabelsBottom(plot, labels, perCategory);
        // Headroom above the tallest interval for the stars.
        plot.Axes.SetLimits(-0.6, entries.Count - 0.4, bottom - pad, top + pad * 3.5);
        plot.Axes.Bottom.Label.Text = "relation  (* = drop beyond random, CI excludes 0)";
        plot.ShowLegend(Edge.Top);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = FigureStyle.TickLabelSize;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;

        int widthPx = Math.Max(640, 140 + entries.Count * perCategory);
        int heightPx = (int)(480 + Math.Max(60, plot.Axes.Bottom.MinimumSize));
        return (plot, widthPx, heightPx, correctBefore);
    }
}
