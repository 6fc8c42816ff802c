using System.Globalization;
using RelationNeurons.Experiments.Results;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>
/// Accuracy as more of each relation's ranked neurons are deactivated, with the random-neuron
/// curve dashed. Up to <see cref="SinglePanelLimit"/> relations share one panel (one colour each);
/// more get one small panel each, since a dozen crossing line pairs cannot be told apart. When
/// every curve uses the same shares the x axis is categorical (evenly spaced 1 %, 2 %, 5 % ...),
/// else linear in percent.
/// </summary>
internal static class CumulativityFigure
{
    public const int SinglePanelLimit = 6;
    private const int GridColumns = 4;

    private sealed record Curve(string Label, double[] Xs, double[] Accuracy, double[] Random);

    public static bool UsesCorrectBefore(CumulativityResult result) =>
        result.Curves.All(c => c.Points.All(p => p.AccuracyCorrectBefore is not null));

    public static (Plot Plot, int Width, int Height) CreateSingle(CumulativityResult result)
    {
        var (curves, axis) = Prepare(result);
        string subset = UsesCorrectBefore(result) ? "facts recalled before" : "all test facts";
        var plot = FigureStyle.NewPlot("Cumulative deactivation", "share of the relation's ranked neurons deactivated",
            $"accuracy (%), {subset}");
        for (int i = 0; i < curves.Count; i++)
            AddCurve(plot, curves[i], FigureStyle.SeriesColor(i), legend: true);
        var key = plot.Add.Scatter(new double[] { 0 }, new double[] { double.NaN }, FigureStyle.RandomColor);
        key.LinePattern = LinePattern.Dashed;
        key.MarkerSize = 0;
        key.LegendText = "random neurons (dashed)";
        axis(plot, FigureStyle.TickLabelSize);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = FigureStyle.TickLabelSize;
        return (plot, 1000, 560);
    }

    public static (Multiplot Plot, int Width, int Height) CreateGrid(CumulativityResult result)
    {
        var (curves, axis) = Prepare(result);
        string subset = UsesCorrectBefore(result) ? "recalled before" : "all facts";
        int rows = (curves.Count + GridColumns - 1) / GridColumns;
        var multiplot = new Multiplot();
        multiplot.AddPlots(curves.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, GridColumns);
        for (int i = 0; i < curves.Count; i++)
        {
            bool leftColumn = i % GridColumns == 0;
            bool bottomRow = i + GridColumns >= curves.Count;
            var plot = multiplot.GetPlot(i);
            plot.Font.Set(FigureStyle.FontName);
            plot.Title(curves[i].Label, FigureStyle.TickLabelSize + 1);
            plot.XLabel(bottomRow ? "share deactivated" : "", FigureStyle.TickLabelSize);
            plot.YLabel(leftColumn ? $"accuracy (%), {subset}" : "", FigureStyle.TickLabelSize);
            plot.Axes.Left.TickLabelStyle.FontSize = FigureStyle.TickLabelSize - 2;
            plot.Axes.Bottom.TickLabelStyle.FontSize = FigureStyle.TickLabelSize - 2;
            // No legend inside a small panel (it would cover data); the caption explains the line styles.
            AddCurve(plot, curves[i], FigureStyle.SeriesColor(0), legend: false, randomColor: FigureStyle.RandomColor);
            axis(plot, FigureStyle.TickLabelSize - 2);
        }
        return (multiplot, 300 * GridColumns, 270 * rows);
    }

    private static (List<Curve> Curves, Action<Plot, float> Axis) Prepare(CumulativityResult result)
    {
        bool before = UsesCorrectBefore(result);
        bool manyLanguages = result.Curves.Select(c => c.Language).Distinct().Count() > 1;
        double[] shared = result.Curves[0].Points.Select(p => p.Share).ToArray();
        bool categorical = result.Curves.All(c => c.Points.Select(p => p.Share).SequenceEqual(shared));
        double X(double share) => categorical ? Array.IndexOf(shared, share) : share * 100;

        var curves = result.Curves.Select(c => new Curve(
            manyLanguages ? $"{c.Relation} ({c.Language})" : c.Relation,
            c.Points.Select(p => X(p.Share)).ToArray(),
            c.Points.Select(p => 100 * (before ? p.AccuracyCorrectBefore!.Value : p.Accuracy)).ToArray(),
            c.Points.Select(p => 100 * (before ? p.AccuracyRandomCorrectBefore!.Value : p.AccuracyRandom)).ToArray())).ToList();

        void Axis(Plot plot, float tickSize)
        {
            if (categorical)
            {
                var ticks = new ScottPlot.TickGenerators.NumericManual();
                int step = tickSize < FigureStyle.TickLabelSize ? LabelStep(shared.Length) : 1;
                for (int i = 0; i < shared.Length; i++)
                {
                    // Counted from the last share, so the full set (100 %) is always labelled.
                    bool labelled = (shared.Length - 1 - i) % step == 0;
                    ticks.AddMajor(i, labelled ? (shared[i] * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%" : "");
                }
                plot.Axes.Bottom.TickGenerator = ticks;
                plot.Axes.Bottom.MinorTickStyle.Length = 0;
                plot.Axes.SetLimitsX(-0.3, shared.Length - 0.7);
            }
            else
            {
                plot.Axes.SetLimitsX(-2, 102);
            }
            plot.Axes.SetLimitsY(-3, 103);
        }
        return (curves, Axis);
    }

    /// <summary>
    /// Label every step-th share in a small panel so neighbours never touch, preferring a step
    /// that labels both ends.
    /// </summary>
    internal static int LabelStep(int points)
    {
        if (points <= 6) return 1;
        for (int s = 2; s <= 4; s++)
            if ((points - 1) % s == 0 && (points - 1) / s <= 5) return s;
        return (points + 4) / 5;
    }

    private static void AddCurve(Plot plot, Curve c, Color color, bool legend, Color? randomColor = null)
    {
        var line = plot.Add.Scatter(c.Xs, c.Accuracy, color);
        line.LineWidth = 2.5f;
        line.MarkerSize = 7;
        if (legend) line.LegendText = c.Label;
        var random = plot.Add.Scatter(c.Xs, c.Random, randomColor ?? color);
        random.LineWidth = 1.5f;
        random.LinePattern = LinePattern.Dashed;
        random.MarkerSize = 0;
    }
}
