using System.Xml.Linq;
using RelationNeurons.Reporting.Figures;
using RelationNeurons.Tests.Experiments;

namespace RelationNeurons.Tests.Reporting;

public class FigureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relneurons-fig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ManyCurvesGetAGridWhoseSvgHasAWhiteBackground()
    {
        string[] relations = Enumerable.Range(0, 8).Select(i => $"relation_{i}").ToArray();
        var run = new SyntheticRun(relations);
        var figure = ExperimentFigures.Cumulativity(run.Cumulativity, _dir);
        var root = XDocument.Parse(figure.Svg).Root!;
        var background = root.Elements().First();
        Assert.Equal("rect", background.Name.LocalName);
        Assert.Equal("white", (string?)background.Attribute("fill"));
        Assert.True(new FileInfo(figure.PngFile).Length > 10_000);
    }

    [Fact]
    public void InliningPrefixesIdsAndTheirReferences()
    {
        const string svg = """
            <?xml version="1.0" encoding="utf-8" ?>
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
              <clipPath id="cl_1"><rect width="5" height="5"/></clipPath>
              <image id="img_0" width="1" height="1" xlink:href="data:image/png;base64,AA=="/>
              <g clip-path="url(#cl_1)"><use xlink:href="#img_0"/></g>
            </svg>
            """;
        string polished = SvgText.Polish(svg);
        Assert.Contains("viewBox=\"0 0 10 10\"", polished);
        Assert.Contains("pixelated", polished);
        string inline = SvgText.ForInline(polished, "f3_");
        Assert.DoesNotContain("<?xml", inline);
        Assert.Contains("id=\"f3_cl_1\"", inline);
        Assert.Contains("url(#f3_cl_1)", inline);
        Assert.Contains("\"#f3_img_0\"", inline);
        Assert.Contains("data:image/png;base64,AA==", inline);
        Assert.DoesNotContain("\"cl_1\"", inline);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(10, 3)] // 0, 3, 6, 9: both ends labelled
    [InlineData(9, 2)]
    [InlineData(8, 2)] // no step of 2..4 divides 7: fall back to about five labels
    public void SmallPanelsLabelFewPointsIncludingTheLast(int points, int expected) =>
        Assert.Equal(expected, CumulativityFigure.LabelStep(points));

    [Theory]
    [InlineData(-4.7, 4.7, "-4,-2,0,2,4")]
    [InlineData(-21.7, 21.7, "-20,-10,0,10,20")]
    [InlineData(0, 0.032, "0,0.01,0.02,0.03")]
    [InlineData(0, 1, "0,0.2,0.4,0.6,0.8,1")]
    public void ColourBarsGetFewRoundTicks(double min, double max, string expected) =>
        Assert.Equal(expected, string.Join(",", HeatmapFigure.NiceTicks(min, max, 7).Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    [Theory]
    [InlineData(2, "2")]
    [InlineData(6000, "6000")]
    [InlineData(24000, "24k")]
    [InlineData(96000, "96k")]
    [InlineData(1_359_872, "1.4M")]
    public void CountLabelsStayShort(int count, string expected) => Assert.Equal(expected, CumulativityFigure.CountLabel(count));
}
