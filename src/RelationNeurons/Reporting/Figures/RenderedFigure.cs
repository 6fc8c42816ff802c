using System.Text;
using RelationNeurons.IO;
using ScottPlot;
using SkiaSharp;

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

    /// <summary>
    /// The same for a grid of panels. ScottPlot saves a multiplot only as a bitmap, so the SVG is
    /// drawn through Skia's SVG canvas, the way ScottPlot writes a single plot's SVG.
    /// </summary>
    public static RenderedFigure Save(Multiplot multiplot, string folder, string name, string title, string caption, int width, int height)
    {
        string png = Path.Combine(folder, name + ".png");
        string svgPath = Path.Combine(folder, name + ".svg");
        AtomicFile.WriteAllBytes(png, multiplot.Render(width, height).GetImageBytes(ImageFormat.Png));
        string svg;
        using (var buffer = new MemoryStream())
        {
            using (var managed = new SKManagedWStream(buffer))
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), managed))
                multiplot.Render(canvas, new PixelRect(0, width, height, 0));
            svg = SvgText.Polish(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        AtomicFile.WriteAllText(svgPath, svg);
        return new RenderedFigure(name, title, caption, png, svgPath, svg);
    }
}
