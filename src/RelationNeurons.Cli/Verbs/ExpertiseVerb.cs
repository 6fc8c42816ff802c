using System.CommandLine;
using System.Diagnostics;
using RelationNeurons.Analysis;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons expertise --record DIR --out DIR`: per relation and unit, the average precision
/// of the unit's pooled activation as a score for "is this relation", plus medians; one
/// safetensors file and one top-units CSV per relation, and expertise.json.
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
        var threads = new Option<int>("--threads") { Description = "worker threads (default: all cores)", DefaultValueFactory = _ => -1 };
        var json = new Option<bool>("--json") { Description = "print the summary as JSON on stdout" };
        var command = new Command("expertise", "score every recorded unit for every relation by average precision (layer by layer)")
            { record, output, allLanguages, topCsv, relations, threads, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int top = parse.GetValue(topCsv);
            if (top < 0) throw new UserInputException($"--top-csv must be ≥ 0, got {top}");
            var options = new ExpertiseOptions
            {
                Scope = parse.GetValue(allLanguages) ? NegativeScope.AllLanguages : NegativeScope.SameLanguage,
                TopCsv = top,
                MaxThreads = parse.GetValue(threads) is > 0 and var t ? t : -1,
                Relations = SplitList(parse.GetValue(relations)),
            };
            string recordDir = parse.GetValue(record)!, outDir = parse.GetValue(output)!;
            var watch = Stopwatch.StartNew();
            using var cancel = ProgressConsole.CancelOnCtrlC();
            var manifest = ProgressConsole.Run("scoring layers", (report, token) =>
                ExpertiseRunner.Run(recordDir, outDir, options,
                    ProgressConsole.Sync<ExpertiseProgress>(p => report(p.LayersDone, p.Layers, $"{p.UnitsDone:N0}/{p.Units:N0} units")), token),
                cancel.Token);
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
        ProgressConsole.Stdout().Write(table);
        Console.WriteLine($"{s.Units:N0} units × {s.Prompts:N0} prompts scored in {s.Seconds:F1} s ({s.Scope.Replace('_', ' ')} negatives); wrote {s.Out}");
    }
}

/// <summary>
/// Progress of long verbs on stderr (stdout stays clean for --json), and Ctrl+C as a
/// cancellation that lets finished work be kept.
/// </summary>
internal static class ProgressConsole
{
    /// <summary>
    /// A console on the current stdout. AnsiConsole's static instance keeps the writer it first
    /// saw, which breaks when stdout is redirected later (as tests do).
    /// </summary>
    public static IAnsiConsole Stdout() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    public delegate void Report(double done, double total, string detail);

    public static T Run<T>(string description, Func<Report, CancellationToken, T> work, CancellationToken cancel)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (!console.Profile.Capabilities.Interactive)
            return work((_, _, _) => { }, cancel);
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description));
                result = work((done, total, detail) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                    task.Description = Markup.Escape($"{description}: {detail}");
                }, cancel);
            });
        return result;
    }

    /// <summary>An IProgress that reports on the caller's thread at once (Progress&lt;T&gt; posts to the thread pool, late and unordered).</summary>
    public static IProgress<T> Sync<T>(Action<T> report) => new SyncProgress<T>(report);

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>A token cancelled by the first Ctrl+C (the second one ends the process as usual).</summary>
    public static CancellationSource CancelOnCtrlC() => new();

    internal sealed class CancellationSource : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly ConsoleCancelEventHandler _handler;

        public CancellationSource()
        {
            _handler = (_, e) =>
            {
                if (_cts.IsCancellationRequested) return;
                e.Cancel = true;
                _cts.Cancel();
            };
            Console.CancelKeyPress += _handler;
        }

        public CancellationToken Token => _cts.Token;

        public void Dispose()
        {
            Console.CancelKeyPress -= _handler;
            _cts.Dispose();
        }
    }
}
