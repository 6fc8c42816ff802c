using System.CommandLine;
using System.Diagnostics;
using RelationNeurons.Analysis;
using RelationNeurons.Runs;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons expertise --record DIR --out DIR`: per relation and unit, the average precision
/// of the unit's pooled activation as a score for "is this relation", plus medians; one
/// safetensors file and one top-units CSV per relation, and expertise.json. With <c>--shard i/n</c>
/// it scores only its share of the layers (as <c>run --stage expertise</c>'s shards do, into
/// OUT/shards/expertise/); the same command without it lays the shares together and writes the folder.
/// </summary>
internal static class ExpertiseVerb
{
    internal sealed record TaskRow(string Name, string Relation, string? Language, int Positives, int Negatives, string File, string? TopCsv, string? BestUnit, double BestAp);

    internal sealed record ExpertiseSummary(string Record, string Out, string Scope, int Prompts, long Units, int Layers,
        IReadOnlyList<string> Taps, double Seconds, IReadOnlyList<TaskRow> Relations);

    public static Command Create()
    {
        var record = new Option<string>("--record") { Description = "record folder made by `relneurons record`", Required = true };
        var output = new Option<string>("--out") { Description = "folder for expertise.json, <relation>.safetensors and <relation>.top.csv", Required = true };
        var allLanguages = new Option<bool>("--all-languages") { Description = "negatives from every language (default: same language as the positives)" };
        var topCsv = new Option<int>("--top-csv") { Description = "rows in each relation's top-units CSV (0: none)", DefaultValueFactory = _ => 100 };
        var relations = new Option<string?>("--relations") { Description = "comma-separated relations to write (all relations still serve as negatives)" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the negative samples", DefaultValueFactory = _ => 0UL };
        var protocol = new ProtocolArguments();
        var json = new Option<bool>("--json") { Description = "print the summary as JSON on stdout" };
        var sharding = new ShardArguments("layers");
        var command = new Command("expertise", "score every recorded unit for every relation by average precision (layer by layer)")
            { record, output, allLanguages, protocol.Protocol, protocol.Negatives, seed, topCsv, relations, json };
        foreach (var o in sharding.All) command.Options.Add(o);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int threads = sharding.Resources.Apply(parse);
            var shard = sharding.Parse(parse);
            int top = parse.GetValue(topCsv);
            if (top < 0) throw new UserInputException($"--top-csv must be ≥ 0, got {top}");
            var chosen = protocol.Resolve(parse);
            var options = new ExpertiseOptions
            {
                Scope = parse.GetValue(allLanguages) ? NegativeScope.AllLanguages : NegativeScope.SameLanguage,
                TopCsv = top,
                MaxThreads = threads,
                Relations = SplitList(parse.GetValue(relations)),
                Negatives = chosen.Negatives,
                NegativesPerPositive = chosen.NegativesPerPositive,
                Seed = parse.GetValue(seed),
            };
            string recordDir = parse.GetValue(record)!, outDir = parse.GetValue(output)!;
            // The scores depend on the record (record.json's fingerprint covers it) and every option but the threads.
            var shards = new ShardFolder(outDir, "expertise");
            string digest = ShardSettings.Digest("expertise", "", [new("options", ShardArguments.Json(options with { MaxThreads = -1 }))],
                outDir, [Path.Combine(recordDir, RecordManifest.FileName)]);
            var watch = Stopwatch.StartNew();
            using var cancel = ProgressConsole.CancelOnCtrlC();
            if (ShardArguments.RunShard(shard, shards, () => digest, s => ExpertiseShards.Run(recordDir, shards, s, options, null, cancel.Token)))
                return 0;
            var finished = ShardArguments.Finished(shards, () => digest);
            var manifest = finished is not null
                ? ExpertiseShards.Merge(recordDir, outDir, shards, finished, options)
                : ProgressConsole.Run("scoring layers", (report, token) =>
                    ExpertiseRunner.Run(recordDir, outDir, options,
                        ProgressConsole.Sync<ExpertiseProgress>(p => report(p.LayersDone, p.Layers, $"{p.UnitsDone:N0}/{p.Units:N0} units")), token),
                    cancel.Token);
            shards.Remove();
            var summary = new ExpertiseSummary(Path.GetFullPath(recordDir), Path.GetFullPath(outDir),
                options.Scope == NegativeScope.AllLanguages ? "all_languages" : "same_language",
                manifest.Prompts, manifest.TotalUnits, manifest.Layers, manifest.Taps, Math.Round(watch.Elapsed.TotalSeconds, 3),
                manifest.Tasks.Select(e => new TaskRow(e.Name, e.Relation, e.Language, e.Positives, e.Negatives,
                    Path.Combine(Path.GetFullPath(outDir), e.File), e.TopCsv is null ? null : Path.Combine(Path.GetFullPath(outDir), e.TopCsv), e.BestUnit, e.BestAp)).ToList());
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Print(summary);
            return 0;
        }));
        return command;
    }

    internal static IReadOnlyList<string>? SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();

    private static void Print(ExpertiseSummary s)
    {
        var table = new Table();
        table.AddColumn("relation");
        table.AddColumn(new TableColumn("positives").RightAligned());
        table.AddColumn(new TableColumn("negatives").RightAligned());
        table.AddColumn("best unit");
        table.AddColumn(new TableColumn("AP").RightAligned());
        foreach (var r in s.Relations)
            table.AddRow(Markup.Escape(r.Name), r.Positives.ToString(), r.Negatives.ToString(), Markup.Escape(r.BestUnit ?? ""), r.BestAp.ToString("F4"));
        Consoles.Stdout().Write(table);
        Console.WriteLine($"{s.Units:N0} units × {s.Prompts:N0} prompts scored in {s.Seconds:F1} s ({s.Scope.Replace('_', ' ')} negatives); wrote {s.Out}");
    }
}
