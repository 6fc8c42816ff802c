using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting;

/// <summary>
/// Writes the report as one self-contained HTML file: figures inline as SVG, no external
/// stylesheet, script or font, so it can be mailed or archived as is.
/// </summary>
public static partial class HtmlReportWriter
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        h1 { font-size: 1.8em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
        .meta { color: #666; font-size: 0.9em; }
        nav ul { columns: 2; } nav a { text-decoration: none; }
        .findings li { margin: 0.3em 0; } .shows { border-left: 4px solid #2e86c1; padding-left: 1em; } .limits { border-left: 4px solid #c0392b; padding-left: 1em; }
        .note { background: #fff8e1; border: 1px solid #f0d58c; padding: 0.5em 1em; }
        figure { margin: 1.5em 0; text-align: center; } figcaption { font-size: 0.9em; color: #444; text-align: left; margin-top: 0.4em; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; white-space: nowrap; }
        th { background: #f4f6f7; } td:first-child, th:first-child { text-align: left; }
        caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
        .scroll { overflow-x: auto; } details summary { cursor: pointer; font-weight: bold; margin: 0.5em 0; }
        code { background: #f4f6f7; padding: 0.1em 0.3em; border-radius: 3px; word-break: break-all; }
        """;

    public static string Render(ReportDocument doc, DateTimeOffset generated)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(E(doc.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>").Append(E(doc.Title)).Append("</h1>\n<p class=\"meta\">Run folder: <code>").Append(E(doc.RunFolder))
            .Append("</code><br>Report generated ").Append(E(generated.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))).Append(" UTC by <code>relneurons report</code>.</p>\n</header>\n");

        html.Append("<nav>\n<ul>\n<li><a href=\"#findings\">What this shows / does not show</a></li>\n");
        foreach (var s in doc.Sections) html.Append("<li><a href=\"#").Append(E(s.Id)).Append("\">").Append(E(s.Title)).Append("</a></li>\n");
        html.Append("</ul>\n</nav>\n");

        html.Append("<section id=\"findings\" class=\"findings\">\n<h2>What this shows</h2>\n<div class=\"shows\">");
        List(html, doc.Shows.Count > 0 ? doc.Shows : ["No experiment result to summarise."]);
        html.Append("</div>\n<h2>What this does not show</h2>\n<div class=\"limits\">");
        List(html, doc.DoesNotShow);
        html.Append("</div>\n");
        if (doc.Notes.Count > 0)
        {
            html.Append("<div class=\"note\"><strong>Not in this report</strong>");
            List(html, doc.Notes);
            html.Append("</div>\n");
        }
        html.Append("</section>\n");

        int figureNumber = 0;
        foreach (var section in doc.Sections)
        {
            html.Append("<section id=\"").Append(E(section.Id)).Append("\">\n<h2>").Append(E(section.Title)).Append("</h2>\n");
            foreach (string p in section.Paragraphs) html.Append("<p>").Append(Inline(p)).Append("</p>\n");
            foreach (var figure in section.Figures)
            {
                figureNumber++;
                html.Append("<figure id=\"fig-").Append(E(figure.Name)).Append("\">\n")
                    .Append(SvgText.ForInline(figure.Svg, $"f{figureNumber}_"))
                    .Append("\n<figcaption><strong>Figure ").Append(figureNumber).Append(".</strong> ").Append(E(figure.Caption))
                    .Append(" (<a href=\"figures/").Append(E(Path.GetFileName(figure.PngFile))).Append("\">PNG</a>, <a href=\"figures/")
                    .Append(E(Path.GetFileName(figure.SvgFile))).Append("\">SVG</a>)</figcaption>\n</figure>\n");
            }
            for (int t = 0; t < section.Tables.Count; t++)
            {
                var table = section.Tables[t];
                // The first table of a section is the headline; the rest fold away to keep the page short.
                if (t > 0) html.Append("<details>\n<summary>").Append(E(table.Caption)).Append("</summary>\n");
                Table(html, table);
                if (t > 0) html.Append("</details>\n");
            }
            html.Append("</section>\n");
        }
        html.Append("<footer class=\"meta\"><p>Machine-readable results: the JSON files in the run folder (formats: docs/formats.md, section \"Experiment results\").</p></footer>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void List(StringBuilder html, IEnumerable<string> items)
    {
        html.Append("\n<ul>\n");
        foreach (string item in items) html.Append("<li>").Append(Inline(item)).Append("</li>\n");
        html.Append("</ul>\n");
    }

    private static void Table(StringBuilder html, ReportTable table)
    {
        html.Append("<div class=\"scroll\"><table>\n<caption>").Append(E(table.Caption)).Append("</caption>\n<thead><tr>");
        foreach (string h in table.Headers) html.Append("<th>").Append(E(h)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row) html.Append("<td>").Append(E(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table></div>\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Escapes text and turns `code` spans into &lt;code&gt;.</summary>
    private static string Inline(string s) => CodeSpan().Replace(E(s), m => $"<code>{m.Groups[1].Value}</code>");

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
