using System.Globalization;
using RelationNeurons.Experiments.Results;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>
/// Accuracy as more of each relation's ranked neurons are deactivated: solid line per relation,
/// its random-neuron curve dashed in the same colour. When every curve uses the same shares the
/// x axis is categorical (evenly spaced shares such as 1 %, 2 %, 5 %), else linear in percent.
/// </summary>
internal static class CumulativityFigure
{
    public static (Plot Plot, int Width, int Height, bool CorrectBefore) Create(CumulativityResult result)
    {
        var curves = result.Curves;
        bool correctBefore = curves.All(c => c.Points.All(p => p.AccuracyCorrectBefore is not null));
        bool manyLanguages = curves.Select(c => c.Language).Distinct().Count() > 1;
        string subset = correctBefore ? "facts correct before" : "all test facts";
        var plot = FigureStyle.NewPlot("Cumulative deactivation", "share of the relation's ranked neurons deactivated",
            $"accuracy (%), {subset}");

        double[] shared = curves[0].Points.Select(p => p.Share).ToArray();
        bool categorical = curves.All(c => c.Points.Select(p => p.Share).SequenceEqual(shared));
        double X(double share) => categorical ? Array.IndexOf(shared, share) : share * 100;

        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            var color = FigureStyle.SeriesColor(i);
            double[] xs = c.Points.Select(p => X(p.Share)).ToArray();
            double[] acc = c.Points.Select(p => 100 * (correctBefore ? p.AccuracyCorrectBefore!.Value : p.Accuracy)).ToArray();
            double[] rnd = c.Points.Select(p => 100 * (correctBefore ? p.AccuracyRandomCorrectBefore!.Value : p.AccuracyRandom)).ToArray();
            var line = plot.Add.Scatter(xs, acc, color);
            line.LineWidth = 2.5f;
            line.MarkerSize = 7;
            line.LegendText = manyLanguages ? $"{c.Relation} ({c.Language})" : c.Relation;
            var random = plot.Add.Scatter(xs, rnd, color);
            random.LineWidth = 1.5f;
            random.LinePattern = LinePattern.Dashed;
            random.MarkerSize = 0;
        }
        // One legend entry explains every dashed line.
        var key = plot.Add.Scatter(new double[] { 0 }, new double[] { double.NaN }, FigureStyle.RandomColor);
        key.LinePattern = LinePattern.Dashed;
        key.MarkerSize = 0;
        key.LegendText = "random neurons (dashed)";

        if (categorical)
        {
            string[] labels = shared.Select(s => (s * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%").ToArray();
            FigureStyle.CategoryLabelsBottom(plot, labels, 70);
            plot.Axes.SetLimitsX(-0.3, shared.Length - 0.7);
        }
        else
        {
            plot.Axes.SetLimitsX(-2, 102);
        }
        plot.Axes.SetLimitsY(-3, 103);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = FigureStyle.TickLabelSize;
        return (plot, 1000, 560, correctBefore);
    }
}
