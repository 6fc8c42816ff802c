using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting;

/// <summary>A table of preformatted cells, rendered the same way in HTML and Markdown.</summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>One section of the report: prose, figures, tables, in that order.</summary>
public sealed record ReportSection(
    string Id,
    string Title,
    IReadOnlyList<string> Paragraphs,
    IReadOnlyList<RenderedFigure> Figures,
    IReadOnlyList<ReportTable> Tables);

/// <summary>Everything the HTML and Markdown writers need; both render this same content.</summary>
public sealed record ReportDocument(
    string Title,
    string RunFolder,
    IReadOnlyList<string> Shows,
    IReadOnlyList<string> DoesNotShow,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ReportSection> Sections);
