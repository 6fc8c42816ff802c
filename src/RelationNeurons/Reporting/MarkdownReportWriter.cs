using System.Text;

namespace RelationNeurons.Reporting;

/// <summary>Writes the report as Markdown: the same text and tables, figures linked as PNG files.</summary>
public static class MarkdownReportWriter
{
    public static string Render(ReportDocument doc, DateTimeOffset generated, string figuresLink = "figures")
    {
        var md = new StringBuilder();
        md.Append("# ").Append(doc.Title).Append("\n\n");
        md.Append("Run folder: `").Append(doc.RunFolder).Append("`  \nReport generated ")
            .Append(generated.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).Append(" UTC by `relneurons report`.\n\n");
        md.Append("## What this shows\n\n");
        Bullets(md, doc.Shows.Count > 0 ? doc.Shows : ["No experiment result to summarise."]);
        md.Append("## What this does not show\n\n");
        Bullets(md, doc.DoesNotShow);
        if (doc.Notes.Count > 0)
        {
            md.Append("**Not in this report**\n\n");
            Bullets(md, doc.Notes);
        }
        int figureNumber = 0;
        foreach (var section in doc.Sections)
        {
            md.Append("## ").Append(section.Title).Append("\n\n");
            foreach (string p in section.Paragraphs) md.Append(p).Append("\n\n");
            foreach (var figure in section.Figures)
            {
                figureNumber++;
                string png = $"{figuresLink}/{Path.GetFileName(figure.PngFile)}";
                string svg = $"{figuresLink}/{Path.GetFileName(figure.SvgFile)}";
                md.Append("![").Append(figure.Title).Append("](").Append(png).Append(")\n\n");
                md.Append("*Figure ").Append(figureNumber).Append(".* ").Append(figure.Caption).Append(" ([SVG](").Append(svg).Append("))\n\n");
            }
            foreach (var table in section.Tables) Table(md, table);
        }
        return md.ToString();
    }

    private static void Bullets(StringBuilder md, IEnumerable<string> items)
    {
        foreach (string item in items) md.Append("- ").Append(item).Append('\n');
        md.Append('\n');
    }

    private static void Table(StringBuilder md, ReportTable table)
    {
        md.Append("**").Append(Cell(table.Caption)).Append("**\n\n");
        md.Append("| ").Append(string.Join(" | ", table.Headers.Select(Cell))).Append(" |\n");
        md.Append('|').Append(string.Join("|", table.Headers.Select((_, i) => i == 0 ? " --- " : " ---: "))).Append("|\n");
        foreach (var row in table.Rows) md.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        md.Append('\n');
    }

    /// <summary>Keeps a value inside its table cell: pipes escaped, line breaks flattened.</summary>
    private static string Cell(string s) => s.Replace("\\", "\\\\").Replace("|", "\\|").Replace('\n', ' ');
}
