using System.CommandLine;
using RelationNeurons.Data;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons relations [--relations DIR] [--json]`: what a relation set holds.</summary>
internal static class RelationsVerb
{
    public static Command Create()
    {
        var relations = new Option<string?>("--relations") { Description = "relation file or folder (default: the built-in data/relations)" };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("relations", "list the relations of a relation set with their fact counts per language") { relations, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string dir = parse.GetValue(relations) ?? BuiltInPaths.RequireRelations();
            var set = RelationReader.Load(dir);
            var summary = Summarize(set, dir);
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Print(summary);
            return 0;
        }));
        return command;
    }

    internal sealed record RelationRow(string Id, string Name, string? Kind, int Templates, IReadOnlyDictionary<string, int> Facts);

    internal sealed record RelationSetSummary(string Source, IReadOnlyList<string> Languages, IReadOnlyList<RelationRow> Relations);

    internal static RelationSetSummary Summarize(RelationSet set, string source)
    {
        var rows = new List<RelationRow>();
        foreach (string id in set.RelationIds)
        {
            var variants = set.InAllLanguages(id);
            // Name and kind from English when present: the table is read by people, who share it.
            var shown = variants.FirstOrDefault(v => v.Language == "en") ?? variants[0];
            rows.Add(new RelationRow(id, shown.Name, shown.Kind,
                variants.Max(v => v.PromptTemplates.Count),
                variants.ToDictionary(v => v.Language, v => v.Samples.Count)));
        }
        return new RelationSetSummary(Path.GetFullPath(source), set.Languages, rows);
    }

    private static void Print(RelationSetSummary summary)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(summary.Source)}[/]");
        table.AddColumn("relation");
        table.AddColumn("name");
        table.AddColumn("kind");
        table.AddColumn(new TableColumn("templates").RightAligned());
        foreach (string lang in summary.Languages) table.AddColumn(new TableColumn($"facts {lang}").RightAligned());
        foreach (var row in summary.Relations)
        {
            var cells = new List<string> { Markup.Escape(row.Id), Markup.Escape(row.Name), Markup.Escape(row.Kind ?? ""), row.Templates.ToString() };
            foreach (string lang in summary.Languages)
                cells.Add(row.Facts.TryGetValue(lang, out int n) ? n.ToString() : "[grey]–[/]");
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"{summary.Relations.Count} relations, {summary.Languages.Count} languages ({string.Join(", ", summary.Languages)})");
    }
}
