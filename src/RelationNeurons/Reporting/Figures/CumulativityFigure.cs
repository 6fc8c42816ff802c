using System.Globalization;
using RelationNeurons.Experiments.Results;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>
/// Accuracy as more of each relation's ranked neurons are deactivated, with the random-neuron
/// curve dashed, the unmodified model dotted and the relation's selected set size N marked. The x
/// axis is the number of units deactivated on a log scale, since the sweep runs in multiples
/// (N/16 … 16·N). Up to <see cref="SinglePanelLimit"/> relations share one panel (one colour
/// each); more get one small panel each, since a dozen crossing line pairs cannot be told apart.
/// </summary>
internal static class CumulativityFigure
{
    public const int SinglePanelLimit = 6;
    private const int GridColumns = 4;
    private static readonly Color CleanColor = Color.FromHex("#2C3E50");
    private static readonly Color SetMarkColor = Color.FromHex("#B03A2E");

    private sealed record Curve(string Label, double[] Xs, double[] Accuracy, double[] Random, double Clean, double SetX, int SetSize);

    public static bool UsesCorrectBefore(CumulativityResult result) =>
        result.Curves.All(c => c.Points.All(p => p.AccuracyCorrectBefore is not null));

    public static (Plot Plot, int Width, int Height) CreateSingle(CumulativityResult result)
    {
        var (curves, axis) = Prepare(result);
        string subset = UsesCorrectBefore(result) ? "facts recalled before" : "all test facts";
        var plot = FigureStyle.NewPlot("Cumulative deactivation", "units deactivated (log scale)", $"accuracy (%), {subset}");
        for (int i = 0; i < curves.Count; i++)
            AddCurve(plot, curves[i], FigureStyle.SeriesColor(i), legend: true, labelSet: i == 0 && curves.All(c => c.SetSize == curves[0].SetSize));
        AddKey(plot, "random neurons (dashed)", FigureStyle.RandomColor, LinePattern.Dashed);
        AddKey(plot, "unmodified model (dotted)", CleanColor, LinePattern.Dotted);
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
            plot.XLabel(bottomRow ? "units deactivated (log scale)" : "", FigureStyle.TickLabelSize);
            plot.YLabel(leftColumn ? $"accuracy (%), {subset}" : "", FigureStyle.TickLabelSize);
            plot.Axes.Left.TickLabelStyle.FontSize = FigureStyle.TickLabelSize - 2;
            plot.Axes.Bottom.TickLabelStyle.FontSize = FigureStyle.TickLabelSize - 2;
            // No legend inside a small panel (it would cover data); the caption explains the line styles.
            AddCurve(plot, curves[i], FigureStyle.SeriesColor(0), legend: false, labelSet: true, randomColor: FigureStyle.RandomColor);
            axis(plot, FigureStyle.TickLabelSize - 2);
        }
        return (multiplot, 300 * GridColumns, 270 * rows);
    }

    private static (List<Curve> Curves, Action<Plot, float> Axis) Prepare(CumulativityResult result)
    {
        bool before = UsesCorrectBefore(result);
        bool manyLanguages = result.Curves.Select(c => c.Language).Distinct().Count() > 1;
        // The clean model (0 units) has no place on a log axis: it is drawn as a level line.
        int[] Counts(CumulativityCurve c) => c.Points.Where(p => p.NeuronCount > 0).Select(p => p.NeuronCount).ToArray();
        double Acc(CumulativityPoint p) => 100 * (before ? p.AccuracyCorrectBefore!.Value : p.Accuracy);
        double Rnd(CumulativityPoint p) => 100 * (before ? p.AccuracyRandomCorrectBefore!.Value : p.AccuracyRandom);

        var curves = result.Curves.Select(c =>
        {
            var swept = c.Points.Where(p => p.NeuronCount > 0).ToArray();
            var clean = c.Points.FirstOrDefault(p => p.NeuronCount == 0);
            return new Curve(manyLanguages ? $"{c.Relation} ({c.Language})" : c.Relation,
                swept.Select(p => X(p.NeuronCount)).ToArray(), swept.Select(Acc).ToArray(), swept.Select(Rnd).ToArray(),
                clean is null ? double.NaN : Acc(clean), X(Math.Max(1, c.SetSize)), c.SetSize);
        }).ToList();

        int[] shared = Counts(result.Curves[0]);
        bool sameCounts = result.Curves.All(c => Counts(c).SequenceEqual(shared));
        var all = result.Curves.SelectMany(Counts).DefaultIfEmpty(1).ToArray();
        int[] tickCounts = sameCounts && shared.Length > 0 ? shared : PowersOfTwo(all.Min(), all.Max());
        double lo = X(all.Min()), hi = X(all.Max());

        void Axis(Plot plot, float tickSize)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            int step = tickSize < FigureStyle.TickLabelSize ? LabelStep(tickCounts.Length) : Math.Max(1, LabelStep(tickCounts.Length) - 1);
            for (int i = 0; i < tickCounts.Length; i++)
            {
                // Counted from the last point, so the largest set is always labelled.
                bool labelled = (tickCounts.Length - 1 - i) % step == 0;
                ticks.AddMajor(X(tickCounts[i]), labelled ? CountLabel(tickCounts[i]) : "");
            }
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.Bottom.MinorTickStyle.Length = 0;
            double pad = Math.Max(0.3, (hi - lo) * 0.04);
            plot.Axes.SetLimitsX(lo - pad, hi + pad);
            plot.Axes.SetLimitsY(-3, 104);
        }
        return (curves, Axis);
    }

    private static double X(int count) => Math.Log2(count);

    private static int[] PowersOfTwo(int min, int max)
    {
        var result = new List<int>();
        for (long p = 1; p <= Math.Max(1, max) * 2L && result.Count < 32; p *= 2)
            if (p * 2 > min && p <= max * 2L) result.Add((int)Math.Min(int.MaxValue, p));
        return result.ToArray();
    }

    /// <summary>12 → "12", 1500 → "1500", 24000 → "24k", 1200000 → "1.2M": short enough for a small panel.</summary>
    internal static string CountLabel(int count) => count switch
    {
        < 10_000 => count.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (count / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => (count / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "M",
    };

    /// <summary>
    /// Label every step-th point in a small panel so neighbours never touch, preferring a step
    /// that labels both ends.
    /// </summary>
    internal static int LabelStep(int points)
    {
        if (points <= 6) return 1;
        for (int s = 2; s <= 4; s++)
            if ((points - 1) % s == 0 && (points - 1) / s <= 5) return s;
        return (points + 4) / 5;
    }

    private static void AddCurve(Plot plot, Curve c, Color color, bool legend, bool labelSet, Color? randomColor = null)
    {
        if (double.IsFinite(c.Clean))
        {
            var clean = plot.Add.HorizontalLine(c.Clean, 1.5f, CleanColor, LinePattern.Dotted);
            clean.ExcludeFromLegend = true;
        }
        // The relation's selected set: the size of the intra- and inter-relation experiments.
        var mark = plot.Add.VerticalLine(c.SetX, 1, SetMarkColor.WithAlpha(0.6), LinePattern.Dashed);
        mark.ExcludeFromLegend = true;
        if (labelSet)
        {
            // Low beside the line: curves start high, so the bottom left of N is usually empty.
            var text = plot.Add.Text($"N={c.SetSize}", c.SetX, 1);
            text.LabelFontSize = FigureStyle.TickLabelSize - 3;
            text.LabelFontName = FigureStyle.FontName;
            text.LabelFontColor = SetMarkColor;
            text.LabelAlignment = Alignment.LowerRight;
            text.LabelOffsetX = -3;
        }
        var random = plot.Add.Scatter(c.Xs, c.Random, randomColor ?? color);
        random.LineWidth = 1.5f;
        random.LinePattern = LinePattern.Dashed;
        random.MarkerSize = 0;
        var line = plot.Add.Scatter(c.Xs, c.Accuracy, color);
        line.LineWidth = 2.5f;
        line.MarkerSize = 7;
        if (legend) line.LegendText = c.Label;
    }

    private static void AddKey(Plot plot, string text, Color color, LinePattern pattern)
    {
        var key = plot.Add.Scatter(new double[] { 0 }, new double[] { double.NaN }, color);
        key.LinePattern = pattern;
        key.MarkerSize = 0;
        key.LegendText = text;
    }
}
