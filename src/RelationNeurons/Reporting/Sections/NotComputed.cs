namespace RelationNeurons.Reporting.Sections;

/// <summary>A section for a figure or table the run did not compute: its title, what it would show, and why it is missing.</summary>
internal static class NotComputed
{
    public static ReportSection Build(string id, string title, string what, string reason) =>
        new(id, title, [what, $"Not computed in this run: {reason}."], [], []);
}
