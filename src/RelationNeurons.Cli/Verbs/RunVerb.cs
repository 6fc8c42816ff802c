using System.CommandLine;
using System.Globalization;
using RelationNeurons.Data;
using RelationNeurons.Runs;
using RelationNeurons.Inference;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons run [--model M] [--relations DIR] [--out DIR]`: every stage with the paper's
/// defaults, resumable; with no argument, the embedded demo model and the built-in relations.
/// One progress display on stderr, a summary table at the end.
/// </summary>
internal static class RunVerb
{
    public const string DemoModelName = "relfacts-demo";

    public static Command Create()
    {
        var args = new RunArguments();
        var stage = new Option<string?>("--stage") { Description = "run only this stage (its earlier stages must be finished): prompts, validation, record, expertise, select, experiments or report" };
        var shard = new Option<string?>("--shard") { Description = "with --stage: do only shard i of n (i/n, from 0) of a sharded stage (validation, record, expertise, experiments); `relneurons merge` (or `run`) joins them; see docs/scale-out.md" };
        var command = new Command("run", "every stage, prompts to report, resumable (no argument: the demo model and built-in relations)") { stage, shard };
        foreach (var o in args.All) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var options = args.Options(parse) with
            {
                Stage = parse.GetValue(stage),
                Shard = parse.GetValue(shard) is { } s ? Shard.Parse(s) : null,
            };
            return Execute(options, cancel);
        })));
        return command;
    }

    /// <summary>Runs the pipeline over <paramref name="options"/> and prints what it did (`run` and `merge`).</summary>
    internal static int Execute(RunOptions options, CancellationToken cancel)
    {
        var stages = RunStages.Create(AnalysisStages.Create(options));
        var fingerprint = Fingerprint(options.Model);
        var outcome = Execute(new RunPipeline(stages), options, fingerprint, cancel);
        if (options.Shard is { } shard)
            Console.WriteLine(outcome.Stages[0].Skipped
                ? $"{options.Stage} shard {shard}: done earlier, nothing to do"
                : $"{options.Stage} shard {shard}: done; merge with `relneurons merge {options.Stage} --run {options.OutFolder}` (or `run`) once every shard is");
        else PrintSummary(outcome, wholeRun: options.Stage is null);
        return 0;
    }

    internal static string DemoModelPath() => DemoModel();

    internal static string DefaultOut(string modelPath) => Path.Combine("runs", ModelName(modelPath));

    /// <summary>
    /// Options of one process, not of the run: left out of the command that repeats the run, so a
    /// run finished by a merge or by a process with other resources reports the same command.
    /// </summary>
    private static readonly string[] PerProcessOptions = ["--threads", "--memory", "--stage", "--shard"];

    internal static string Reproduce(ParseResult parse)
    {
        var kept = new List<string>();
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (PerProcessOptions.Contains(t)) { i++; continue; }   // the option and its value
            if (PerProcessOptions.Any(o => t.StartsWith(o + "=", StringComparison.Ordinal))) continue;
            kept.Add(Quote(t));
        }
        return "relneurons " + string.Join(' ', kept);
    }

    private static string DemoModel()
    {
        string models = BuiltInPaths.RequireModels();
        string demo = Path.Combine(models, DemoModelName);
        return Directory.Exists(demo) ? demo : throw new UserInputException($"the demo model {demo} is missing; pass --model");
    }

    private static string ModelName(string model) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(model))) is { Length: > 0 } n && Directory.Exists(model) ? n : model.Replace('/', '_');

    private static string Quote(string a) => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./:,=@%".Contains(c)) ? a : $"'{a.Replace("'", "'\\''")}'";

    private static Experiments.Results.ModelFingerprint Fingerprint(string modelPath)
    {
        using var m = LlamaModel.Load(modelPath);
        return ModelFingerprinter.Compute(modelPath, m.Directory, m.FilePaths);
    }

    private static RunOutcome Execute(RunPipeline pipeline, RunOptions options, Experiments.Results.ModelFingerprint fingerprint, CancellationToken cancel)
    {
        var console = Consoles.Stderr();
        console.MarkupLine($"[grey]run folder {Markup.Escape(Path.GetFullPath(options.OutFolder))}; model {Markup.Escape(options.Model)} (sha256 {fingerprint.WeightsSha256[..12]})[/]");
        if (Console.IsErrorRedirected) return pipeline.Run(options, fingerprint, new PlainObserver(), cancel);
        RunOutcome result = null!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = pipeline.Stages.ToDictionary(s => s.Name, s => ctx.AddTask(Markup.Escape(s.Name), autoStart: false, maxValue: 1));
                result = pipeline.Run(options, fingerprint, new SpectreObserver(tasks), cancel);
            });
        return result;
    }

    private sealed class SpectreObserver(Dictionary<string, ProgressTask> tasks) : IRunObserver
    {
        public void StageStarted(int index, int count, string stage) => tasks[stage].StartTask();
        public void StageProgress(string stage, StageProgress p)
        {
            tasks[stage].Value = Math.Clamp(p.Fraction, 0, 1);
            if (p.Detail is not null) tasks[stage].Description = Markup.Escape($"{stage}: {p.Detail}");
        }
        public void StageFinished(string stage, bool skipped, double seconds)
        {
            var t = tasks[stage];
            t.Value = 1;
            if (skipped) t.Description = Markup.Escape($"{stage}: done earlier, skipped");
            t.StopTask();
        }
    }

    /// <summary>Without a terminal (log file): one line per stage and a line every 10 % of a stage.</summary>
    private sealed class PlainObserver : IRunObserver
    {
        private int _lastTenth = -1;
        public void StageStarted(int index, int count, string stage) { _lastTenth = -1; Console.Error.WriteLine($"[{index + 1}/{count}] {stage}"); }
        public void StageProgress(string stage, StageProgress p)
        {
            int tenth = (int)(p.Fraction * 10);
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {stage} {p.Fraction:P0} {p.Detail}"));
        }
        public void StageFinished(string stage, bool skipped, double seconds) =>
            Console.Error.WriteLine(skipped ? $"  {stage}: done earlier, skipped" : string.Create(CultureInfo.InvariantCulture, $"  {stage}: {seconds:F1} s"));
    }

    /// <summary>The stages' table; for a whole run also the validation count, the intra-relation table, the notes and the report's path.</summary>
    private static void PrintSummary(RunOutcome outcome, bool wholeRun)
    {
        // A console bound to the current stdout (the static AnsiConsole keeps the first writer it saw).
        var stdout = Consoles.Stdout();
        var table = new Table().Title("run summary");
        table.AddColumn("stage");
        table.AddColumn("status");
        table.AddColumn(new TableColumn("seconds").RightAligned());
        table.AddColumn("outputs");
        foreach (var s in outcome.Stages)
            table.AddRow(s.Stage, s.Skipped ? "[grey]skipped (done)[/]" : "[green]ran[/]",
                s.Seconds.ToString("F1", CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", s.Outputs.Take(4)) + (s.Outputs.Count > 4 ? ", …" : "")));
        stdout.Write(table);
        if (!wholeRun) return;
        var results = Reporting.RunResults.Load(outcome.Layout.Root);
        if (results.Validation is { } v)
            Console.WriteLine(v.Validated
                ? $"validation: {v.After:N0} of {v.Before:N0} detection prompts answered right by the unmodified model go on to expertise (per relation and language: {Path.Combine(outcome.Layout.Root, Evaluation.ValidationSummary.RunPath)})"
                : $"validation: off, all {v.Before:N0} detection prompts used");
        if (results.Intra is { } intra) stdout.Write(IntraTable(intra));
        foreach (string note in outcome.Notes) Console.WriteLine($"note: {note}");
        Console.WriteLine($"report: {Path.Combine(outcome.Layout.Root, Reporting.ReportGenerator.HtmlFile)}");
    }

    /// <summary>Relations as rows, languages as columns: recall (%) clean → with the relation's units off (with random units off); * when p &lt; 0.05 against random. Compact so a cell never wraps.</summary>
    private static Table IntraTable(Experiments.Results.IntraRelationResult intra)
    {
        var languages = intra.Entries.Select(e => e.Language).Distinct().Order(StringComparer.Ordinal).ToArray();
        var t = new Table().Title(Markup.Escape("intra-relation recall: clean → relation's units off (random units off), all test facts; * p < 0.05 vs random"));
        t.AddColumn("relation");
        foreach (string l in languages) t.AddColumn(new TableColumn(l).RightAligned());
        foreach (var rel in intra.Entries.Select(e => e.Relation).Distinct().Order(StringComparer.Ordinal))
        {
            var cells = new List<string> { Markup.Escape(rel) };
            foreach (string l in languages)
            {
                var e = intra.Entries.FirstOrDefault(x => x.Relation == rel && x.Language == l);
                cells.Add(e is null ? "" : Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{e.AllFacts.AccuracyClean * 100:0}→{e.AllFacts.AccuracyDeactivated * 100:0} ({e.AllFacts.AccuracyRandomMean * 100:0}){(e.AllFacts.DropVsRandom.PValue < 0.05 ? "*" : " ")}")));
            }
            t.AddRow(cells.ToArray());
        }
        return t;
    }
}
