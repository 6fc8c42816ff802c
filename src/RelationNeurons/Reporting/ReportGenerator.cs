using RelationNeurons.IO;

namespace RelationNeurons.Reporting;

/// <summary>What <see cref="ReportGenerator.Generate"/> wrote.</summary>
public sealed record ReportOutput(string HtmlPath, string MarkdownPath, IReadOnlyList<string> FigureFiles, IReadOnlyList<string> Notes);

/// <summary>Reads a run folder's results and writes <c>report.html</c>, <c>report.md</c> and <c>figures/</c>.</summary>
public static class ReportGenerator
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "report.md";
    public const string FiguresFolder = "figures";

    public static ReportOutput Generate(string runFolder, string? outFolder = null, DateTimeOffset? now = null)
    {
        var run = RunResults.Load(runFolder);
        string output = Path.GetFullPath(outFolder ?? runFolder);
        string figures = Path.Combine(output, FiguresFolder);
        Directory.CreateDirectory(figures);
        var doc = ReportBuilder.Build(run, figures);
        var generated = now ?? DateTimeOffset.UtcNow;
        string html = Path.Combine(output, HtmlFile);
        string md = Path.Combine(output, MarkdownFile);
        AtomicFile.WriteAllText(html, HtmlReportWriter.Render(doc, generated));
        AtomicFile.WriteAllText(md, MarkdownReportWriter.Render(doc, generated));
        var files = doc.Sections.SelectMany(s => s.Figures).SelectMany(f => new[] { f.PngFile, f.SvgFile }).ToList();
        return new ReportOutput(html, md, files, doc.Notes);
    }
}
