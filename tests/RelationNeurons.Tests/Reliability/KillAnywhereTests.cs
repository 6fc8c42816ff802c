using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RelationNeurons.Data;
using RelationNeurons.Runs;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// The study as child processes (`dotnet relneurons.dll ...`), each killed (SIGKILL) at random
/// points of its progress and restarted until it finishes: the final outputs must equal an
/// uninterrupted chain's, byte for byte, and no file may ever be seen incomplete under its final
/// name (checked after every kill, and by a watcher while the processes run). The kills are placed
/// by the run's own progress lines (a stage starting, a stage at some per cent), not by wall time,
/// and the test checks that at least one kill landed in every stage, whatever the machine's load.
/// </summary>
public sealed class KillAnywhereTests(ITestOutputHelper output)
{

    /// <summary>run.json holds each stage's wall time and date: compared by presence only.</summary>
    private static readonly string[] Volatile = ["run.json"];

    /// <summary>Files that state when the run happened and how long stages took: compared with those values masked, every other byte equal.</summary>
    private static readonly string[] Timed = ["summary.json", "report.md", "report.html"];

    private static readonly Regex Timestamp = new(@"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00| UTC)?", RegexOptions.Compiled);
    // Format.Seconds writes "N.N min" from 120 s on: a killed-and-restarted run spans all its restarts, which on a loaded machine passes 2 minutes.
    private static readonly Regex Duration = new(@"\b\d+(\.\d+)? (s|min)\b|""seconds"": [0-9.eE+-]+", RegexOptions.Compiled);

    internal static byte[] Comparable(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (!Timed.Contains(Path.GetFileName(path))) return bytes;
        string text = Encoding.UTF8.GetString(bytes);
        return Encoding.UTF8.GetBytes(Duration.Replace(Timestamp.Replace(text, "<time>"), "<duration>"));
    }

    /// <summary>Two relations in two languages from the built-in set: small, but every experiment has something to compare.</summary>
    internal static string SmallRelations(string folder)
    {
        string builtIn = BuiltInPaths.FindRelations(BuiltInPaths.DemoRelations) ?? throw new InvalidOperationException("data/relations/demo not found above the test folder");
        foreach (string lang in new[] { "en", "de" })
            foreach (string id in new[] { "country_capital", "country_currency" })
            {
                Directory.CreateDirectory(Path.Combine(folder, lang));
                File.Copy(Path.Combine(builtIn, lang, id + ".json"), Path.Combine(folder, lang, id + ".json"));
            }
        return folder;
    }

    internal static IEnumerable<string> RelationTexts(string folder) =>
        Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText);

    /// <summary>The commands of one study, in order, with the exit code that means "finished": `run` chains every stage.</summary>
    private static List<(string Name, string[] Args, int Exit)> Chain(string model, string relations, string o) =>
    [
        ("run", RunArgs(model, relations, o), 0),
    ];

    internal static string[] RunArgs(string model, string relations, string o) =>
    [
        "run", "--model", model, "--relations", relations, "--out", o, "--protocol", "kojima", "--random-seeds", "2", "--resamples", "100",
        "--max-new-tokens", "3", "--cumulativity-scales", "0.5,1", "--cumulativity-random-seeds", "1",
    ];

    /// <summary>A stage starting, in the run's progress output (stderr, no terminal): "[2/6] record".</summary>
    private static readonly Regex StageStartLine = new(@"^\[\d+/\d+\] (\S+)$", RegexOptions.Compiled);

    /// <summary>A stage's progress: "  record 31 % 240/762 prompts".</summary>
    private static readonly Regex StageProgressLine = new(@"^  (\S+) (\d+) %", RegexOptions.Compiled);

    /// <summary>
    /// Where to kill a run: as soon as stage <see cref="Stage"/> has printed its start line
    /// (<see cref="Percent"/> &lt; 0) or a progress line of at least <see cref="Percent"/> %.
    /// </summary>
    private sealed record Aim(string Stage, int Percent)
    {
        public override string ToString() => Percent < 0 ? $"{Stage} start" : $"{Stage} {Percent} %";
    }

    /// <summary>
    /// Only a guard against a hung child, never a measure of speed: a run of this size takes seconds.
    /// </summary>
    private const int HangGuardMs = 600_000;

    private sealed record Exit(int Code, string Output, string Stderr, bool Killed, string? KilledAfter, double Seconds);

    /// <summary>
    /// Runs one command; with an <paramref name="aim"/>, reads its progress lines as they come and
    /// kills it right after the line that reaches the aim (or, should the aimed stage end without
    /// reaching it, right after its end line).
    /// </summary>
    private static Exit Start(string[] args, Aim? aim)
    {
        var watch = Stopwatch.StartNew();
        using var p = CliProcess.Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        string? killedAfter = null;
        var reader = Task.Run(() =>
        {
            bool inStage = false;
            for (string? line; (line = p.StandardError.ReadLine()) is not null;)
            {
                stderr.AppendLine(line);
                if (aim is null || killedAfter is not null) continue;
                bool reached = false;
                if (StageStartLine.Match(line) is { Success: true } start)
                {
                    inStage = start.Groups[1].Value == aim.Stage;
                    reached = inStage && aim.Percent < 0;
                }
                else if (inStage && StageProgressLine.Match(line) is { Success: true } progress && progress.Groups[1].Value == aim.Stage)
                    reached = int.Parse(progress.Groups[2].Value, CultureInfo.InvariantCulture) >= aim.Percent;
                else if (inStage && line.StartsWith($"  {aim.Stage}:", StringComparison.Ordinal))
                    reached = true;
                if (!reached) continue;
                killedAfter = line;
                try { p.Kill(); }   // SIGKILL (the program starts no child processes): no finally block, flush or cleanup runs
                catch (InvalidOperationException) { }   // it had just exited
            }
        });
        if (!p.WaitForExit(HangGuardMs)) { p.Kill(true); throw new TimeoutException($"relneurons {string.Join(' ', args)} did not finish in {HangGuardMs / 1000} s"); }
        reader.Wait();
        p.WaitForExit();
        return new Exit(p.ExitCode, stdout.Result + stderr, stderr.ToString(), killedAfter is not null, killedAfter, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The stages a run's progress output names, in order, each with the per cents its progress lines reached below 100.</summary>
    private static List<(string Stage, List<int> Percents)> StagesIn(string stderr)
    {
        var stages = new List<(string Stage, List<int> Percents)>();
        foreach (string line in stderr.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (StageStartLine.Match(line) is { Success: true } start) stages.Add((start.Groups[1].Value, []));
            else if (stages.Count > 0 && StageProgressLine.Match(line) is { Success: true } progress && progress.Groups[1].Value == stages[^1].Stage
                     && int.Parse(progress.Groups[2].Value, CultureInfo.InvariantCulture) is var pc && pc < 100 && !stages[^1].Percents.Contains(pc))
                stages[^1].Percents.Add(pc);
        }
        return stages;
    }

    /// <summary>The last stage whose start line a run printed, or null when it printed none.</summary>
    private static string? LastStartedStage(string stderr) =>
        stderr.Split('\n').Select(l => StageStartLine.Match(l.TrimEnd('\r'))).LastOrDefault(m => m.Success)?.Groups[1].Value;

    /// <summary>run.json's finished stages (name, when), or none before the first save.</summary>
    private static Dictionary<string, DateTimeOffset> FinishedStages(string folder) =>
        RunManifest.TryLoad(Path.Combine(folder, "run.json"))?.Stages.ToDictionary(s => s.Stage, s => s.FinishedUtc) ?? [];

    /// <summary>
    /// The stages the next start will skip, by the pipeline's rule: recorded in run.json with every
    /// output present, and every stage before it skipped too (after a stage that runs, all run).
    /// </summary>
    private static HashSet<string> SkippedNextTime(string folder, IEnumerable<string> stages)
    {
        var manifest = RunManifest.TryLoad(Path.Combine(folder, "run.json"));
        var skipped = new HashSet<string>();
        foreach (string stage in stages)
        {
            if (manifest?.Find(stage) is not { } done || !done.Outputs.All(o => Path.Exists(Path.Combine(folder, o)))) break;
            skipped.Add(stage);
        }
        return skipped;
    }

    /// <summary>Watches a folder while processes run and records any final-named file seen incomplete.</summary>
    private sealed class Watcher : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private readonly Lock _gate = new();
        public ConcurrentBag<string> Problems { get; } = [];
        public int Checks;

        /// <summary>Holds the watcher between two passes over the folder (while the test itself removes files).</summary>
        public Lock.Scope Pause() => _gate.EnterScope();

        public Watcher(string folder)
        {
            var seen = new Dictionary<string, (long, DateTime)>();
            _task = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        if (Directory.Exists(folder))
                            foreach (string f in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(OutputIntegrity.IsFinalName).ToList())
                            {
                                var fi = new FileInfo(f);
                                if (!fi.Exists) continue;
                                var stamp = (fi.Length, fi.LastWriteTimeUtc);
                                if (seen.TryGetValue(f, out var s) && s == stamp) continue;
                                seen[f] = stamp;
                                Interlocked.Increment(ref Checks);
                                if (OutputIntegrity.Problem(f) is { } p) Problems.Add($"{Path.GetRelativePath(folder, f)}: {p}");
                            }
                    }
                    try { await Task.Delay(15, _stop.Token); } catch (TaskCanceledException) { }
                }
            });
        }

        public void Dispose() { _stop.Cancel(); _task.Wait(); }
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(OutputIntegrity.IsFinalName)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Volatile.Contains(Path.GetFileName(f)) ? "(volatile)" : Convert.ToHexString(SHA256.HashData(Comparable(f))));

    [Fact]
    public void KilledAndRestartedRunsEqualAnUninterruptedRun()
    {
        using var temp = new TempDirectory();
        string relations = SmallRelations(temp["relations"]);
        string model = MicroModel.WriteWithTokenizer(temp["model"], RelationTexts(relations));

        // The reference: every command once, uninterrupted; its progress lines name the stages and the
        // points (start, per cents) the kills aim at. Outputs name their folders (record.json names the
        // model, expertise.json its record), so both chains write to the same path and the reference is
        // moved aside before the killed chain starts.
        string work = temp["out"], reference = temp["reference"];
        var stagesOf = new List<List<(string Stage, List<int> Percents)>>();
        foreach (var (name, args, code) in Chain(model, relations, work))
        {
            var exit = Start(args, null);
            Assert.True(exit.Code == code, $"{name}: exit {exit.Code}, expected {code}\n{exit.Output}");
            var stages = StagesIn(exit.Stderr);
            Assert.True(stages.Count > 0, $"{name}: no stage start lines (\"[1/6] prompts\") in its output to place the kills by:\n{exit.Stderr}");
            stagesOf.Add(stages);
            output.WriteLine($"reference {name}: {exit.Seconds:F1} s; stages {string.Join(", ", stages.Select(s => $"{s.Stage} [{string.Join(" ", s.Percents)} %]"))}");
        }

        Directory.Move(work, reference);

        // Each command again, killed at each stage's start and, in stages that report progress, at two
        // random per cents of it: every stage gets at least one kill, the long ones three. A restart
        // resumes at the stage it was killed in. Should the process get past a stage before any kill
        // took effect in it (a short stage on a loaded machine), the killed chain starts afresh in an
        // empty folder with the same aims, so that the compared outputs come from a chain killed in every stage.
        const int MaxFreshStarts = 3;
        string killedRun = work;
        var rng = new Random(20250224);
        int kills = 0, starts = 0, freshStarts = 0;
        var afterKill = new List<string>();
        var chain = Chain(model, relations, killedRun);
        var landed = new List<(string Command, string Stage)>();
        using (var watcher = new Watcher(killedRun))
        {
            for (int c = 0; c < chain.Count; c++)
            {
                var (name, args, code) = chain[c];
                var stages = stagesOf[c].Select(s => s.Stage).ToList();
                var aims = stagesOf[c].SelectMany(s => new[] { new Aim(s.Stage, -1) }
                    .Concat(s.Percents.OrderBy(_ => rng.Next()).Take(2).Order().Select(pc => new Aim(s.Stage, pc)))).ToList();
                var landedIn = stages.ToDictionary(s => s, _ => 0);
                int next = 0;
                for (int attempt = 0; ; attempt++)
                {
                    Assert.True(attempt <= (aims.Count + 1) * (MaxFreshStarts + 1), $"{name}: {attempt} starts without finishing");
                    // Aims at stages the next start will skip are done with when a kill landed there.
                    var skipped = SkippedNextTime(killedRun, stages);
                    while (next < aims.Count && skipped.Contains(aims[next].Stage) && landedIn[aims[next].Stage] > 0) next++;
                    if (next < aims.Count && skipped.Contains(aims[next].Stage))
                    {
                        string passed = aims[next].Stage;
                        Assert.True(++freshStarts <= MaxFreshStarts,
                            $"{name}: stage {passed} finished before a kill landed in it, {MaxFreshStarts + 1} times");
                        output.WriteLine($"{name}: stage {passed} finished before a kill landed in it; the killed chain starts afresh");
                        using (watcher.Pause()) Directory.Delete(killedRun, recursive: true);
                        foreach (string stage in stages) landedIn[stage] = 0;
                        next = 0;
                    }
                    Aim? aim = next < aims.Count ? aims[next] : null;

                    var finishedBefore = FinishedStages(killedRun);
                    var exit = Start(args, aim);
                    starts++;
                    if (!exit.Killed)
                    {
                        output.WriteLine($"{name}: exit {exit.Code} after {exit.Seconds:F1} s{(aim is null ? "" : $" (before reaching the aim {aim})")}");
                        Assert.True(exit.Code == code, $"{name} after {attempt} kills: exit {exit.Code}, expected {code}\n{exit.Output}");
                        break;
                    }
                    kills++;
                    // Where the kill landed: the last stage the process started, unless run.json shows
                    // that this process finished it (then the kill came between stages).
                    var finishedAfter = FinishedStages(killedRun);
                    string? started = LastStartedStage(exit.Stderr);
                    bool finishedHere = started is not null && finishedAfter.TryGetValue(started, out var at) && (!finishedBefore.TryGetValue(started, out var was) || was != at);
                    string where = started is null ? "startup, before the first stage" : finishedHere ? $"after {started}" : started;
                    if (started is not null && !finishedHere) landedIn[started]++;
                    landed.Add((name, where));
                    output.WriteLine($"{name}: aimed at {aim}, killed after \"{exit.KilledAfter!.Trim()}\", landed in {where}");
                    afterKill.AddRange(OutputIntegrity.Scan(killedRun).Select(p => $"after killing {name} at {aim} (landed in {where}): {p}"));
                    if (where == aim!.Stage) next++;
                }
                var missed = landedIn.Where(kv => kv.Value == 0).Select(kv => kv.Key).ToList();
                Assert.True(missed.Count == 0, $"{name}: no kill landed in stage(s) {string.Join(", ", missed)}");
            }
            output.WriteLine($"{kills} kills, {starts} starts, {watcher.Checks} file checks by the watcher");
            Assert.Empty(watcher.Problems);
        }
        Assert.Empty(afterKill);

        var expected = Hashes(reference);
        var actual = Hashes(killedRun);
        var missing = expected.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Keys).ToList();
        var differing = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).ToList();
        string leftovers = string.Join(", ", Directory.EnumerateFiles(killedRun, "*", SearchOption.AllDirectories).Where(f => !OutputIntegrity.IsFinalName(f)).Select(f => Path.GetRelativePath(killedRun, f)));
        output.WriteLine($"{expected.Count} output files compared; temporary files left by kills: {(leftovers.Length == 0 ? "none" : leftovers)}");
        Assert.True(missing.Count + extra.Count + differing.Count == 0,
            $"outputs differ from the uninterrupted run: missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}], different [{string.Join(", ", differing)}]");
        var perStage = landed.GroupBy(l => l.Stage).Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine($"[kill-anywhere] {kills} SIGKILL/restart cycles survived over {chain.Count} commands (landed: {string.Join(", ", perStage)}), {expected.Count} output files byte-identical to the uninterrupted run");
    }
}
