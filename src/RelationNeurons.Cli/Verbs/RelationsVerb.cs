using System.CommandLine;
using RelationNeurons.Data;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons relations [--relations DIR] [--json]`: what a relation set holds.</summary>
internal static class RelationsVerb
{
    /// <summary>The help text of every verb's <c>--relations</c> option.</summary>
    public const string RelationsOptionDescription =
        $"relation file or folder, or a built-in set: '{BuiltInPaths.PaperRelations}' (the paper's twelve LRE relations, evaluation facts in six languages) " +
        $"or '{BuiltInPaths.DemoRelations}' (the demo model's twelve relations in four languages); default: '{BuiltInPaths.DefaultRelations}'";

    public static Command Create()
    {
        var relations = new Option<string?>("--relations") { Description = RelationsVerb.RelationsOptionDescription };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("relations", "list the relations of a relation set with their fact counts per language") { relations, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string dir = BuiltInPaths.ResolveRelations(parse.GetValue(relations));
            var set = RelationReader.Load(dir);
            var summary = Summarize(set, dir);
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Print(summary);
            return 0;
        }));
        return command;
    }

    /// <param name="Languages">the languages the relation has a file in</param>
    /// <param name="Facts">facts per language</param>
    /// <param name="CommonFacts">facts whose id is present in every language of the relation: the pool test facts are drawn from</param>
    /// <param name="SourceSamples">sample rows in the data set the relation comes from (LRE lists a subject once per object), most over its languages</param>
    /// <param name="FixedTestFacts">the test facts the relation's files fix (null: chosen by the seeded splitter)</param>
    /// <param name="AlternativeTemplates">templates for alternative test prompts (P^eva-2), most over its languages</param>
    /// <param name="ObjectSentences">object sentences (perplexity check), most over its languages</param>
    internal sealed record RelationRow(
        string Id, string Name, string? Kind, int Templates, IReadOnlyList<string> Languages, IReadOnlyDictionary<string, int> Facts, int CommonFacts,
        int SourceSamples, int? FixedTestFacts, int AlternativeTemplates, int ObjectSentences);

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
                variants.Select(v => v.Language).ToArray(),
                variants.ToDictionary(v => v.Language, v => v.Samples.Count),
                CommonFactCount(variants),
                variants.Max(v => v.SourceSamples),
                PromptSplitter.FixedTestFacts(id, variants)?.Count,
                variants.Max(v => v.AlternativeTemplates.Count),
                variants.Max(v => v.ObjectSentences.Count)));
        }
        return new RelationSetSummary(Path.GetFullPath(source), set.Languages, rows);
    }

    private static int CommonFactCount(IReadOnlyList<Relation> variants)
    {
        var common = variants[0].Samples.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var v in variants.Skip(1)) common.IntersectWith(v.Samples.Select(s => s.Id));
        return common.Count;
    }

    private static void Print(RelationSetSummary summary)
    {
        // Ids and counts never wrap. On a narrow console the optional columns go, name first, so
        // that the table never collapses.
        bool anyFixed = summary.Relations.Any(r => r.FixedTestFacts is not null);
        bool several = summary.Languages.Count > 1;
        var columns = new List<(string Header, bool Optional, Func<RelationRow, string> Cell)>
        {
            ("relation", false, r => Markup.Escape(r.Id)),
            ("kind", true, r => Markup.Escape(r.Kind ?? "")),
            ("tmpl", true, r => r.Templates.ToString()),
        };
        foreach (string lang in summary.Languages)
            columns.Add((lang, false, r => r.Facts.TryGetValue(lang, out int n) ? n.ToString() : "[grey]–[/]"));
        if (several) columns.Add(("all", false, r => r.CommonFacts.ToString()));
        columns.Add(("rows", false, r => r.SourceSamples.ToString()));
        if (anyFixed) columns.Add(("test", false, r => r.FixedTestFacts?.ToString() ?? "[grey]–[/]"));
        columns.Add(("name", true, r => Markup.Escape(r.Name)));

        int Width(IEnumerable<(string Header, bool Optional, Func<RelationRow, string> Cell)> cs) =>
            1 + cs.Sum(c => 3 + Math.Max(c.Header.Length, summary.Relations.Select(r => Markup.Remove(c.Cell(r)).Length).DefaultIfEmpty(0).Max()));
        foreach (string drop in (string[])["name", "kind", "tmpl"])
            if (Width(columns) > AnsiConsole.Profile.Width) columns.RemoveAll(c => c.Optional && c.Header == drop);

        var table = new Table().Title($"[bold]{Markup.Escape(summary.Source)}[/]").Caption(
            "facts per language; 'all': fact ids present in every language; 'rows': sample rows in the source data" +
            (anyFixed ? "; 'test': test facts fixed by the files" : ""));
        foreach (var c in columns)
        {
            var column = new TableColumn(c.Header).NoWrap();
            table.AddColumn(c.Header is "relation" or "kind" or "name" ? column : column.RightAligned());
        }
        foreach (var row in summary.Relations) table.AddRow(columns.Select(c => c.Cell(row)).ToArray());
        AnsiConsole.Write(table);
        Console.WriteLine($"{summary.Relations.Count} relations, {summary.Languages.Count} languages ({string.Join(", ", summary.Languages)})");
        Console.WriteLine(BuiltInPaths.DescribeRelationSet(summary.Source));
    }
}
