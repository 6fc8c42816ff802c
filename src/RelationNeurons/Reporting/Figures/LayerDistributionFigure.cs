using RelationNeurons.Experiments.Results;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>Where each relation's neurons sit: stacked bars per layer, one colour per relation.</summary>
internal static class LayerDistributionFigure
{
    public static (Plot Plot, int Width, int Height) Create(OverlapMatrix overlap)
    {
        var plot = FigureStyle.NewPlot($"Relation neurons per layer ({overlap.Language})", "layer", "number of neurons");
        var baseline = new double[overlap.LayerCount];
        for (int r = 0; r < overlap.PerLayer.Count; r++)
        {
            var dist = overlap.PerLayer[r];
            var bars = new List<Bar>();
            for (int l = 0; l < overlap.LayerCount; l++)
            {
                double v = dist.Counts[l];
                bars.Add(new Bar
                {
                    Position = l, ValueBase = baseline[l], Value = baseline[l] + v, Size = 0.8,
                    FillColor = FigureStyle.SeriesColor(r), LineWidth = 0,
                });
                baseline[l] += v;
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = dist.Relation;
        }
        // Integer layer ticks, thinned so labels never touch on deep models.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = overlap.LayerCount <= 16 ? 1 : overlap.LayerCount <= 40 ? 2 : 4;
        for (int l = 0; l < overlap.LayerCount; l += step) ticks.AddMajor(l, l.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.7, overlap.LayerCount - 0.3, 0, Math.Max(1, baseline.Max()) * 1.05);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = FigureStyle.TickLabelSize;
        return (plot, Math.Max(900, 420 + overlap.LayerCount * 24), 520);
    }
}
