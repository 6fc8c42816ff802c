using System.CommandLine;
using RelationNeurons.Data;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons prompts --out DIR`: splits a relation set into identification and test prompts
/// (identification.jsonl, test.jsonl). Everything is read and validated before a file is written.
/// </summary>
internal static class PromptsVerb
{
    public static Command Create()
    {
        var relations = new Option<string?>("--relations") { Description = RelationsVerb.RelationsOptionDescription };
        var output = new Option<string>("--out") { Description = "folder for identification.jsonl and test.jsonl", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "seed of the split (relations whose files fix their split, such as the built-in 'paper' set, keep it)", DefaultValueFactory = _ => 0UL };
        var testSize = new Option<string>("--test-size")
        {
            Description = "test facts per relation: 'auto' (50 when ≥ 100 facts, else 25 %), a count (50), a fraction (0.2) or a percentage (20%)",
            DefaultValueFactory = _ => "auto",
        };
        var testTemplates = new Option<TestTemplates>("--test-templates")
        {
            Description = "templates used for test prompts: First (one prompt per test fact), All, or Alternative (the files' alternative_templates, e.g. the paper's P^eva-2 in English)",
            DefaultValueFactory = _ => TestTemplates.First,
        };
        var maxIdentification = new Option<int?>("--max-identification") { Description = "at most this many identification prompts per relation and language" };
        var languages = new Option<string?>("--languages") { Description = "comma-separated languages to keep, e.g. en,de (default: all)" };
        var relationIds = new Option<string?>("--relation-ids") { Description = "comma-separated relation ids to keep (default: all)" };
        var json = new Option<bool>("--json") { Description = "print the summary as JSON on stdout" };
        var command = new Command("prompts", "split a relation set into identification and test prompts (JSONL)")
        {
            relations, output, seed, testSize, testTemplates, maxIdentification, languages, relationIds, json,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string source = BuiltInPaths.ResolveRelations(parse.GetValue(relations));
            var options = new PromptSplitOptions
            {
                Seed = parse.GetValue(seed),
                TestSize = TestSize.Parse(parse.GetValue(testSize)!),
                TestTemplates = parse.GetValue(testTemplates),
                MaxIdentificationPrompts = parse.GetValue(maxIdentification),
                Languages = SplitList(parse.GetValue(languages)),
                Relations = SplitList(parse.GetValue(relationIds)),
            };
            var set = RelationReader.Load(source);
            var sets = PromptSplitter.Split(set, options);
            var (identPath, testPath) = PromptFile.WriteSets(parse.GetValue(output)!, sets);
            var summary = Summarize(sets, options, source, identPath, testPath);
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Print(summary);
            return 0;
        }));
        return command;
    }

    internal sealed record SplitRow(string Relation, string Language, int IdentificationFacts, int IdentificationPrompts, int TestFacts, int TestPrompts);

    internal sealed record PromptsSummary(
        string Relations, ulong Seed, string TestSize, string TestTemplates,
        string IdentificationFile, string TestFile, int IdentificationPrompts, int TestPrompts, IReadOnlyList<SplitRow> Splits);

    internal static PromptsSummary Summarize(PromptSets sets, PromptSplitOptions options, string source, string identPath, string testPath)
    {
        var keys = sets.Identification.Concat(sets.Test).Select(p => p.RelationKey).Distinct()
            .OrderBy(k => k.Id, StringComparer.Ordinal).ThenBy(k => k.Language, StringComparer.Ordinal);
        var ident = sets.Identification.ToLookup(p => p.RelationKey);
        var test = sets.Test.ToLookup(p => p.RelationKey);
        var rows = keys.Select(k => new SplitRow(k.Id, k.Language,
            ident[k].Select(p => p.FactId).Distinct().Count(), ident[k].Count(),
            test[k].Select(p => p.FactId).Distinct().Count(), test[k].Count())).ToList();
        return new PromptsSummary(Path.GetFullPath(source), options.Seed, options.TestSize.ToString(), options.TestTemplates.ToString().ToLowerInvariant(),
            Path.GetFullPath(identPath), Path.GetFullPath(testPath), sets.Identification.Count, sets.Test.Count, rows);
    }

    private static IReadOnlyCollection<string>? SplitList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
    }

    private static void Print(PromptsSummary s)
    {
        var table = new Table();
        table.AddColumn(new TableColumn("relation").NoWrap());
        table.AddColumn(new TableColumn("lang").NoWrap());
        table.AddColumn(new TableColumn("ident facts").RightAligned());
        table.AddColumn(new TableColumn("ident prompts").RightAligned());
        table.AddColumn(new TableColumn("test facts").RightAligned());
        table.AddColumn(new TableColumn("test prompts").RightAligned());
        foreach (var r in s.Splits)
            table.AddRow(Markup.Escape(r.Relation), r.Language, r.IdentificationFacts.ToString(), r.IdentificationPrompts.ToString(),
                r.TestFacts.ToString(), r.TestPrompts.ToString());
        AnsiConsole.Write(table);
        Console.WriteLine(BuiltInPaths.DescribeRelationSet(s.Relations));
        Console.WriteLine($"seed {s.Seed}, test size {s.TestSize}, test templates {s.TestTemplates}");
        Console.WriteLine($"wrote {s.IdentificationPrompts} identification prompts to {s.IdentificationFile}");
        Console.WriteLine($"wrote {s.TestPrompts} test prompts to {s.TestFile}");
    }
}
