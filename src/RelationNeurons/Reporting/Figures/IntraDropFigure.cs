using RelationNeurons.Experiments.Results;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>
/// Per relation: accuracy drop after deactivating its neurons beside the drop for layer-matched
/// random neurons, with bootstrap confidence intervals; a star marks relations whose drop vs
/// random has an interval excluding 0. With several languages, one panel per language stacked on
/// a shared y axis (a single row of 48 bars is too wide to read); when every language has the same
/// relations, only the bottom panel carries their names.
/// </summary>
internal static class IntraDropFigure
{
    private const int PanelPlotHeight = 300;

    /// <summary>The entries of one panel, its title (null: no title), and whether it shows the relation names.</summary>
    private sealed record Panel(IReadOnlyList<IntraRelationEntry> Entries, string[] Labels, string? Language, bool ShowLabels);

    public static bool UsesCorrectBefore(IntraRelationResult result) => result.Entries.All(e => e.FactsCorrectBefore is not null);

    public static bool NeedsPanels(IntraRelationResult result) => result.Entries.Select(e => e.Language).Distinct().Count() > 1;

    /// <summary>One panel with every entry (one language).</summary>
    public static (Plot Plot, int Width, int Height, bool CorrectBefore) Create(IntraRelationResult result)
    {
        bool before = UsesCorrectBefore(result);
        bool manyLanguages = NeedsPanels(result);
        var labels = result.Entries.Select(e => manyLanguages ? $"{e.Relation} ({e.Language})" : e.Relation).ToArray();
        var (bottom, top) = Range(result.Entries, before);
        var plot = FigureStyle.NewPlot(Title(before), "relation  (* = drop beyond random, CI excludes 0)", "accuracy drop (pp)");
        int perCategory = PerCategory(result.Entries.Count);
        Draw(plot, new Panel(result.Entries, labels, null, true), result, before, bottom, top, perCategory, legend: true);
        int widthPx = Math.Max(640, 160 + result.Entries.Count * perCategory);
        int heightPx = (int)(480 + Math.Max(60, plot.Axes.Bottom.MinimumSize));
        return (plot, widthPx, heightPx, before);
    }

    /// <summary>One panel per language, stacked, sharing the y range.</summary>
    public static (Multiplot Plot, int Width, int Height, bool CorrectBefore) CreatePanels(IntraRelationResult result)
    {
        bool before = UsesCorrectBefore(result);
        var groups = result.Entries.GroupBy(e => e.Language).Select(g => g.ToArray()).ToArray();
        bool sameRelations = groups.All(g => g.Select(e => e.Relation).SequenceEqual(groups[0].Select(e => e.Relation)));
        var (bottom, top) = Range(result.Entries, before);
        int perCategory = PerCategory(groups.Max(g => g.Length));

        var multiplot = new Multiplot();
        multiplot.AddPlots(groups.Length);
        var heights = new List<float>();
        for (int i = 0; i < groups.Length; i++)
        {
            bool last = i == groups.Length - 1;
            var panel = new Panel(groups[i], groups[i].Select(e => e.Relation).ToArray(), groups[i][0].Language, !sameRelations || last);
            var plot = multiplot.GetPlot(i);
            Style(plot, i == 0 ? Title(before) : null, last ? "relation  (* = drop beyond random, CI excludes 0)" : "");
            Draw(plot, panel, result, before, bottom, top, perCategory, legend: i == 0);
            float xAxis = panel.ShowLabels ? Math.Max(60, plot.Axes.Bottom.MinimumSize) : 24;
            plot.Axes.Bottom.MinimumSize = xAxis;
            // The first panel also holds the figure's title and the legend.
            heights.Add(PanelPlotHeight + xAxis + (i == 0 ? 110 : 40));
        }
        // Every panel's left axis as wide as the widest, so the bars line up across panels.
        float left = Enumerable.Range(0, groups.Length).Max(i => multiplot.GetPlot(i).Axes.Left.MinimumSize);
        for (int i = 0; i < groups.Length; i++) multiplot.GetPlot(i).Axes.Left.MinimumSize = left;
        var layout = new ScottPlot.MultiplotLayouts.DraggableRows();
        layout.SetHeights(heights);
        multiplot.Layout = layout;
        int widthPx = (int)Math.Max(640, left + 60 + groups.Max(g => g.Length) * perCategory);
        return (multiplot, widthPx, (int)heights.Sum(), before);
    }

    private static string Title(bool before) => $"Accuracy drop on {(before ? "facts recalled before" : "all test facts")}";

    private static int PerCategory(int categories) => Math.Clamp(900 / Math.Max(1, categories), 50, 110);

    private static IntraComparison Pick(IntraRelationEntry e, bool before) => before ? e.FactsCorrectBefore! : e.AllFacts;

    /// <summary>The y range every panel shares: all intervals, with headroom above the tallest for the stars.</summary>
    private static (double Bottom, double Top) Range(IEnumerable<IntraRelationEntry> entries, bool before)
    {
        double top = 0, bottom = 0;
        foreach (var e in entries)
            foreach (var c in new[] { Pick(e, before).DropVsClean, Pick(e, before).RandomDropVsClean })
            {
                top = Math.Max(top, c.CiHigh * 100);
                bottom = Math.Min(bottom, c.CiLow * 100);
            }
        double pad = Math.Max(4, (top - bottom) * 0.06);
        return (bottom - pad, top + pad * 3.5);
    }

    private static void Style(Plot plot, string? title, string xLabel)
    {
        plot.Font.Set(FigureStyle.FontName);
        if (title is not null) plot.Title(title, FigureStyle.TitleSize);
        plot.Axes.Title.Label.Bold = true;
        plot.XLabel(xLabel, FigureStyle.AxisLabelSize);
        plot.YLabel("accuracy drop (pp)", FigureStyle.AxisLabelSize);
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickLabelStyle.FontSize = FigureStyle.TickLabelSize;
            axis.Label.Bold = false;
        }
    }

    private static void Draw(Plot plot, Panel panel, IntraRelationResult result, bool before, double bottom, double top, int perCategory, bool legend)
    {
        var entries = panel.Entries;
        int level = (int)Math.Round(result.Statistics.ConfidenceLevel * 100);
        const double half = 0.2, width = 0.38;
        var relationBars = new List<Bar>();
        var randomBars = new List<Bar>();
        var xs = new List<double>();
        var ys = new List<double>();
        var errLow = new List<double>();
        var errHigh = new List<double>();
        for (int i = 0; i < entries.Count; i++)
        {
            var c = Pick(entries[i], before);
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
            }
        }
        var rel = plot.Add.Bars(relationBars);
        var rnd = plot.Add.Bars(randomBars);
        var errors = plot.Add.ErrorBar(xs, ys, errLow);
        errors.YErrorNegative = errLow;
        errors.YErrorPositive = errHigh;
        errors.LineWidth = 1.5f;
        errors.CapSize = 6;
        errors.Color = Colors.Black;
        if (legend)
        {
            rel.LegendText = "relation's neurons";
            rnd.LegendText = "random neurons (layer-matched)";
            errors.LegendText = $"{level}% bootstrap CI";
        }

        for (int i = 0; i < entries.Count; i++)
        {
            var c = Pick(entries[i], before);
            if (!c.DropVsRandom.CiExcludesZero) continue;
            var star = plot.Add.Text("*", i, Math.Max(c.DropVsClean.CiHigh, c.RandomDropVsClean.CiHigh) * 100 + 0.5);
            star.LabelFontSize = 22;
            star.LabelFontName = FigureStyle.FontName;
            star.LabelBold = true;
            star.LabelAlignment = Alignment.LowerCenter;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        if (panel.Language is { } language)
        {
            // The language in the panel's corner, where the stars' headroom leaves space.
            var tag = plot.Add.Text(language, -0.5, top - (top - bottom) * 0.02);
            tag.LabelFontSize = FigureStyle.AxisLabelSize;
            tag.LabelFontName = FigureStyle.FontName;
            tag.LabelBold = true;
            tag.LabelAlignment = Alignment.UpperLeft;
            tag.LabelOffsetX = 6;
        }

        if (panel.ShowLabels) FigureStyle.CategoryLabelsBottom(plot, panel.Labels, perCategory);
        else FigureStyle.CategoryLabelsBottom(plot, panel.Labels.Select(_ => "").ToArray(), perCategory);
        plot.Axes.SetLimits(-0.6, entries.Count - 0.4, bottom, top);
        if (legend)
        {
            plot.ShowLegend(Edge.Top);
            plot.Legend.Orientation = Orientation.Horizontal;
            plot.Legend.FontSize = FigureStyle.TickLabelSize;
        }
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
    }
}
