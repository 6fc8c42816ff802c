using System.Globalization;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>What a heatmap shows and how its colours are scaled.</summary>
internal sealed record HeatmapSpec(
    string Title,
    string XLabel,
    string YLabel,
    string ColorbarLabel,
    IReadOnlyList<string> RowLabels,
    IReadOnlyList<string> ColumnLabels,
    double[][] Values,
    bool Diverging,
    string CellFormat,
    double? FixedMax = null,
    bool NegativeIsRed = false,
    IReadOnlyList<string>? DiagonalText = null);

/// <summary>
/// A labelled matrix: row 0 at the top, cells annotated with their values, a colour bar.
/// With <see cref="HeatmapSpec.DiagonalText"/> the diagonal is shown as text on grey and left out
/// of the colour scale (for overlap matrices, whose diagonal of 1 would wash out everything else).
/// Diverging maps are centred on 0 with a symmetric range, so white means "no change"; red marks
/// lost recall (positive drops, or negative changes with <see cref="HeatmapSpec.NegativeIsRed"/>).
/// </summary>
internal static class HeatmapFigure
{
    public static (Plot Plot, int Width, int Height) Create(HeatmapSpec spec)
    {
        int rows = spec.RowLabels.Count, cols = spec.ColumnLabels.Count;
        var plot = FigureStyle.NewPlot(spec.Title, spec.XLabel, spec.YLabel);
        var data = new double[rows, cols];
        double maxAbs = 0, max = double.NegativeInfinity, min = double.PositiveInfinity;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = spec.Values[r][c];
                if (spec.DiagonalText is not null && r == c) { data[r, c] = double.NaN; continue; }
                data[r, c] = v;
                maxAbs = Math.Max(maxAbs, Math.Abs(v));
                max = Math.Max(max, v);
                min = Math.Min(min, v);
            }

        var heatmap = plot.Add.Heatmap(data);
        IColormap colormap;
        ScottPlot.Range range;
        if (spec.Diverging)
        {
            double m = spec.FixedMax ?? (maxAbs > 0 ? maxAbs : 1);
            IColormap balance = new ScottPlot.Colormaps.Balance(); // low = blue, high = red
            colormap = spec.NegativeIsRed ? balance.Reversed() : balance;
            range = new ScottPlot.Range(-m, m);
        }
        else
        {
            double hi = spec.FixedMax ?? (max > 0 ? max : 1);
            colormap = new ScottPlot.Colormaps.Blues().Reversed(); // ScottPlot's Blues runs dark to light
            range = new ScottPlot.Range(Math.Min(0, min), hi);
        }
        heatmap.Colormap = colormap;
        heatmap.NaNCellColor = Color.FromHex("#E5E7E9");
        heatmap.ManualRange = range;
        // Rectangle gives cell edges, so cell (r, c) is centred on (c, rows-1-r) and ticks line up.
        heatmap.Rectangle = new CoordinateRect(-0.5, cols - 0.5, -0.5, rows - 0.5);

        var colorbar = plot.Add.ColorBar(heatmap);
        colorbar.Label = spec.ColorbarLabel;
        colorbar.LabelStyle.FontSize = FigureStyle.AxisLabelSize - 2;
        colorbar.Axis.TickLabelStyle.FontSize = FigureStyle.TickLabelSize;
        colorbar.Axis.MinorTickStyle.Length = 0;
        // Few round ticks: the automatic generator packs a short bar with ticks whose labels run into the bar's title.
        var barTicks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double t in NiceTicks(range.Min, range.Max, 7)) barTicks.AddMajor(t, t.ToString("0.###", CultureInfo.InvariantCulture));
        colorbar.Axis.TickGenerator = barTicks;

        // Cell text shrinks for big matrices, and is left out when cells get too small to read.
        int cellPixels = Math.Clamp(560 / Math.Max(rows, cols), 18, 110);
        float textSize = Math.Min(FigureStyle.CellTextSize, cellPixels * 0.38f);
        if (cellPixels >= 26)
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    double v = spec.Values[r][c];
                    bool diagonal = spec.DiagonalText is not null && r == c;
                    string label = diagonal ? spec.DiagonalText![r] : v.ToString(spec.CellFormat, CultureInfo.InvariantCulture);
                    var text = plot.Add.Text(label, c, rows - 1 - r);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontSize = textSize;
                    text.LabelFontName = FigureStyle.FontName;
                    double span = range.Max - range.Min;
                    double unit = span == 0 ? 0.5 : Math.Clamp((v - range.Min) / span, 0, 1);
                    text.LabelFontColor = diagonal ? Colors.Black : FigureStyle.TextColorOn(colormap.GetColor(unit));
                }
        }

        plot.Grid.IsVisible = false;
        plot.Axes.Frame(true);
        FigureStyle.CategoryLabelsBottom(plot, spec.ColumnLabels, cellPixels);
        FigureStyle.CategoryLabelsLeftTopDown(plot, spec.RowLabels);
        plot.Axes.SetLimits(-0.5, cols - 0.5, -0.5, rows - 0.5);

        float left = plot.Axes.Left.MinimumSize;
        float bottom = Math.Max(plot.Axes.Bottom.MinimumSize, 60);
        // Wide enough for the title even when the matrix is small (e.g. three languages).
        float title = FigureStyle.WidestLabel(plot.Axes.Title.Label, [spec.Title]);
        int width = (int)Math.Max(left + cols * cellPixels + 170, title + 60);
        int height = (int)(rows * cellPixels + bottom + 70);
        return (plot, Math.Max(width, 520), Math.Max(height, 420));
    }

    /// <summary>Multiples of a round step (1, 2, 2.5 or 5 × 10^k) within [min, max], at most <paramref name="most"/> of them, 0 included when in range.</summary>
    internal static double[] NiceTicks(double min, double max, int most)
    {
        if (!(max > min)) return [min];
        double raw = (max - min) / Math.Max(1, most - 1);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw * (1 - 1e-9));
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : Math.Round(t, 10));
        return ticks.ToArray();
    }
}
