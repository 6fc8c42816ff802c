using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RelationNeurons.Reporting.Figures;

/// <summary>Touch-ups of ScottPlot's SVG so it scales and inlines cleanly.</summary>
public static partial class SvgText
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    /// <summary>
    /// Adds a viewBox (so CSS can scale the figure) and asks viewers not to smooth embedded
    /// bitmaps: a heatmap is a tiny image stretched over the plot, and smoothing blurs its cells.
    /// </summary>
    public static string Polish(string svg)
    {
        var doc = XDocument.Parse(svg);
        var root = doc.Root!;
        if (root.Attribute("viewBox") is null && root.Attribute("width") is { } w && root.Attribute("height") is { } h)
            root.SetAttributeValue("viewBox", $"0 0 {w.Value} {h.Value}");
        // Skia's SVG canvas writes a transparent clear as a rect without fill, which SVG paints black.
        if (root.Elements().FirstOrDefault() is { } first && first.Name == Svg + "rect" && first.Attribute("fill") is null
            && first.Attribute("x") is null && first.Attribute("y") is null)
            first.SetAttributeValue("fill", "white");
        foreach (var image in root.Descendants(Svg + "image"))
        {
            image.SetAttributeValue("image-rendering", "optimizeSpeed");
            image.SetAttributeValue("style", "image-rendering:pixelated");
        }
        return doc.Declaration is null ? doc.ToString() : doc.Declaration + "\n" + doc.ToString();
    }

    /// <summary>
    /// The SVG as an element to paste into HTML: no XML declaration, every id prefixed so several
    /// figures on one page do not capture each other's clip paths and images, scaled to the page width.
    /// </summary>
    public static string ForInline(string svg, string idPrefix)
    {
        var root = XDocument.Parse(svg).Root!;
        foreach (var element in root.DescendantsAndSelf())
        {
            foreach (var attribute in element.Attributes().ToList())
            {
                if (attribute.Name == "id") attribute.Value = idPrefix + attribute.Value;
                else if (attribute.Name == XLink + "href" || attribute.Name == "href")
                {
                    if (attribute.Value.StartsWith('#')) attribute.Value = "#" + idPrefix + attribute.Value[1..];
                }
                else if (attribute.Value.Contains("url(#", StringComparison.Ordinal))
                {
                    attribute.Value = UrlReference().Replace(attribute.Value, m => $"url(#{idPrefix}{m.Groups[1].Value})");
                }
            }
        }
        root.SetAttributeValue("style", "max-width:100%;height:auto");
        root.SetAttributeValue("role", "img");
        return root.ToString(SaveOptions.DisableFormatting);
    }

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex UrlReference();
}
