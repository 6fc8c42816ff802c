using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RelationNeurons.Data;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// The study as child processes (`dotnet relneurons.dll ...`), each killed (SIGKILL) at random
/// moments and restarted until it finishes: the final outputs must equal an uninterrupted
/// chain's, byte for byte, and no file may ever be seen incomplete under its final name (checked
/// after every kill, and by a watcher while the processes run).
/// </summary>
public sealed class KillAnywhereTests(ITestOutputHelper output)
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "relneurons.dll");

    /// <summary>run.json holds each stage's wall time and date: compared by presence only.</summary>
    private static readonly string[] Volatile = ["run.json"];

    /// <summary>Files that state when the run happened and how long stages took: compared with those values masked, every other byte equal.</summary>
    private static readonly string[] Timed = ["summary.json", "report.md", "report.html"];

    private static readonly Regex Timestamp = new(@"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00| UTC)?", RegexOptions.Compiled);
    private static readonly Regex Duration = new(@"\b\d+(\.\d+)? s\b|""seconds"": [0-9.eE+-]+", RegexOptions.Compiled);

    private static byte[] Comparable(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (!Timed.Contains(Path.GetFileName(path))) return bytes;
        string text = Encoding.UTF8.GetString(bytes);
        return Encoding.UTF8.GetBytes(Duration.Replace(Timestamp.Replace(text, "<time>"), "<duration>"));
    }

    /// <summary>Two relations in two languages from the built-in set: small, but every experiment has something to compare.</summary>
    internal static string SmallRelations(string folder)
    {
        string builtIn = BuiltInPaths.FindRelations() ?? throw new InvalidOperationException("data/relations not found above the test folder");
        foreach (string lang in new[] { "en", "de" })
            foreach (string id in new[] { "country_capital", "country_currency" })
            {
                Directory.CreateDirectory(Path.Combine(folder, lang));
                File.Copy(Path.Combine(builtIn, lang, id + ".json"), Path.Combine(folder, lang, id + ".json"));
            }
        return folder;
    }

    private static IEnumerable<string> RelationTexts(string folder) =>
        Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText);

    /// <summary>The commands of one study, in order, with the exit code that means "finished": `run` chains every stage.</summary>
    private static List<(string Name, string[] Args, int Exit)> Chain(string model, string relations, string o) =>
    [
        ("run", RunArgs(model, relations, o), 0),
    ];

    private static string[] RunArgs(string model, string relations, string o) =>
    [
        "run", "--model", model, "--relations", relations, "--out", o, "--random-seeds", "2", "--resamples", "100",
        "--max-new-tokens", "3", "--cumulativity-scales", "0.5,1", "--cumulativity-random-seeds", "1",
    ];

    private sealed record Exit(int Code, string Output, bool Killed, double Seconds);

    private static Exit Start(string[] args, int? killAfterMs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Cli);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        bool killed = false;
        if (killAfterMs is { } ms && !p.WaitForExit(ms))
        {
            p.Kill(entireProcessTree: true);   // SIGKILL: no finally block, flush or cleanup runs
            killed = true;
        }
        if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException($"relneurons {string.Join(' ', args)} did not finish in 180 s"); }
        p.WaitForExit();
        return new Exit(p.ExitCode, stdout.Result + stderr.Result, killed, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Watches a folder while processes run and records any final-named file seen incomplete.</summary>
    private sealed class Watcher : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        public ConcurrentBag<string> Problems { get; } = [];
        public int Checks;

        public Watcher(string folder)
        {
            var seen = new Dictionary<string, (long, DateTime)>();
            _task = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
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

        // The reference: every command once, uninterrupted (timed, to place the kills). Outputs name
        // their folders (record.json names the model, expertise.json its record), so both chains
        // write to the same path and the reference is moved aside before the killed chain starts.
        string work = temp["out"], reference = temp["reference"];
        var durations = new List<double>();
        foreach (var (name, args, code) in Chain(model, relations, work))
        {
            var exit = Start(args, null);
            Assert.True(exit.Code == code, $"{name}: exit {exit.Code}, expected {code}\n{exit.Output}");
            durations.Add(exit.Seconds);
            output.WriteLine($"reference {name}: {exit.Seconds:F1} s");
        }

        Directory.Move(work, reference);

        // Each command again, killed at random moments within its uninterrupted duration, until it finishes.
        string killedRun = work;
        var rng = new Random(20250224);
        int kills = 0, starts = 0;
        var afterKill = new List<string>();
        var chain = Chain(model, relations, killedRun);
        using (var watcher = new Watcher(killedRun))
        {
            for (int c = 0; c < chain.Count; c++)
            {
                var (name, args, code) = chain[c];
                for (int attempt = 0; ; attempt++)
                {
                    // Up to eight kills, then let it finish. A restarted run resumes and finishes sooner than
                    // the reference, so kill moments fall in the first 5-40 % of the reference's duration.
                    int? killAt = attempt < 8 ? (int)(1000 * durations[c] * (0.05 + 0.35 * rng.NextDouble())) : null;
                    var exit = Start(args, killAt);
                    starts++;
                    output.WriteLine($"{name}: {(exit.Killed ? $"killed at {killAt} ms" : $"exit {exit.Code} after {exit.Seconds:F1} s (kill planned at {killAt?.ToString() ?? "-"} ms)")}");
                    if (exit.Killed)
                    {
                        kills++;
                        string manifest = Path.Combine(killedRun, "run.json");
                        string stagesDone = File.Exists(manifest) ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))?["stages"]?.AsArray().Count.ToString() ?? "?" : "0";
                        output.WriteLine($"  (stages finished so far: {stagesDone})");
                        afterKill.AddRange(OutputIntegrity.Scan(killedRun).Select(p => $"after killing {name} at {killAt} ms: {p}"));
                        continue;
                    }
                    Assert.True(exit.Code == code, $"{name} after {attempt} kills: exit {exit.Code}, expected {code}\n{exit.Output}");
                    break;
                }
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
        // Timing on a shared machine varies: a command may finish before its planned kill, but most kills must land.
        Assert.True(kills >= 4, $"only {kills} kills landed before the commands finished");
        Console.WriteLine($"[kill-anywhere] {kills} SIGKILL/restart cycles survived over {chain.Count} commands, {expected.Count} output files byte-identical to the uninterrupted run");
    }
}
