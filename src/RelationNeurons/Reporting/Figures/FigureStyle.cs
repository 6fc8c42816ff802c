using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>
/// One look for every figure: a sans-serif font at sizes readable when the figure is shrunk to a
/// column, a colour-blind-safe categorical palette, and tick labels that never collide.
/// </summary>
internal static class FigureStyle
{
    public const float TitleSize = 20;
    public const float AxisLabelSize = 17;
    public const float TickLabelSize = 14;
    public const float CellTextSize = 13;
    public const string FontName = "DejaVu Sans";

    /// <summary>
    /// Okabe–Ito (colour-blind safe, without its yellow, which vanishes on white) then Paul Tol's
    /// muted colours: twelve distinct series before Category10 takes over.
    /// </summary>
    private static readonly Color[] Palette =
    [
        Color.FromHex("#0072B2"), Color.FromHex("#E69F00"), Color.FromHex("#009E73"), Color.FromHex("#CC79A7"),
        Color.FromHex("#56B4E9"), Color.FromHex("#D55E00"), Color.FromHex("#000000"), Color.FromHex("#882255"),
        Color.FromHex("#44AA99"), Color.FromHex("#999933"), Color.FromHex("#332288"), Color.FromHex("#AA4499"),
    ];

    private static readonly ScottPlot.Palettes.Category10 More = new();

    public static readonly Color RelationColor = Color.FromHex("#C0392B");
    public static readonly Color RandomColor = Color.FromHex("#7F8C8D");

    public static Color SeriesColor(int i) => i < Palette.Length ? Palette[i] : More.GetColor(i - Palette.Length);

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, TitleSize);
        plot.Axes.Title.Label.Bold = true;
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left, plot.Axes.Right })
        {
            axis.TickLabelStyle.FontSize = TickLabelSize;
            axis.Label.Bold = false;
        }
        return plot;
    }

    /// <summary>Category labels on the bottom axis at 0..n-1, rotated 45° when they would not fit side by side.</summary>
    public static void CategoryLabelsBottom(Plot plot, IReadOnlyList<string> labels, float pixelsPerCategory)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < labels.Count; i++) ticks.AddMajor(i, labels[i]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 4;
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        float widest = WidestLabel(plot.Axes.Bottom.TickLabelStyle, labels);
        if (widest + 8 > pixelsPerCategory)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            // Clear of the axis line: the rotated text's upper corner would touch it.
            plot.Axes.Bottom.TickLabelStyle.OffsetY = 6;
            // Room for the rotated labels plus the axis title below them.
            plot.Axes.Bottom.MinimumSize = widest * 0.71f + AxisLabelSize + 26;
            // The first labels reach left of the data area, under the left axis: keep them inside the figure.
            plot.Axes.Left.MinimumSize = Math.Max(plot.Axes.Left.MinimumSize, widest * 0.71f - pixelsPerCategory * 0.5f + 12);
        }
    }

    /// <summary>Category labels on the left axis, first label at the top (rows of a matrix).</summary>
    public static void CategoryLabelsLeftTopDown(Plot plot, IReadOnlyList<string> labels)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < labels.Count; i++) ticks.AddMajor(labels.Count - 1 - i, labels[i]);
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 4;
        plot.Axes.Left.MinorTickStyle.Length = 0;
        plot.Axes.Left.MinimumSize = Math.Max(plot.Axes.Left.MinimumSize, WidestLabel(plot.Axes.Left.TickLabelStyle, labels) + AxisLabelSize + 24);
    }

    public static float WidestLabel(LabelStyle style, IEnumerable<string> labels)
    {
        using var paint = Paint.NewDisposablePaint();
        float widest = 0;
        foreach (string label in labels)
            widest = Math.Max(widest, style.Measure(label, paint).Size.Width);
        return widest;
    }

    /// <summary>Black text on light cells, white on dark ones, judged by perceived luminance.</summary>
    public static Color TextColorOn(Color background)
    {
        double luminance = 0.299 * background.R + 0.587 * background.G + 0.114 * background.B;
        return luminance < 140 ? Colors.White : Colors.Black;
    }
}
