using System.Text;
using RelationNeurons.IO;
using ScottPlot;

namespace RelationNeurons.Reporting.Figures;

/// <summary>A figure saved as <c>{Name}.png</c> and <c>{Name}.svg</c>, with the SVG text kept for inlining.</summary>
public sealed record RenderedFigure(string Name, string Title, string Caption, string PngFile, string SvgFile, string Svg);

/// <summary>Renders a plot to PNG and SVG files (atomically) in a folder.</summary>
internal static class FigureWriter
{
    public static RenderedFigure Save(Plot plot, string folder, string name, string title, string caption, int width, int height)
    {
        string png = Path.Combine(folder, name + ".png");
        string svgPath = Path.Combine(folder, name + ".svg");
        AtomicFile.WriteAllBytes(png, plot.GetImageBytes(width, height, ImageFormat.Png));
        string svg = SvgText.Polish(plot.GetSvgXml(width, height));
        AtomicFile.WriteAllText(svgPath, svg);
        return new RenderedFigure(name, title, caption, png, svgPath, svg);
    }
}
