using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RelationNeurons.IO;

namespace RelationNeurons.Bench;

/// <summary>
/// The performance suite of docs/benchmarks.md: for each model, prefill (ours without and with
/// full hook_post capture + mean pooling; libtorch float32/bfloat16 likewise; llama.cpp) at each
/// batch size, then generation with and without deactivation, then expertise AP. Every case runs
/// in a child process (`perf-case`) so its peak resident memory is its own; peers run in the same
/// suite on the same weights and prompts, so ratios are taken under the same machine load.
/// Options: --models tinyllama[,small,DIR], --batches 1,16,64, --runs 5, --threads T,
/// --peers torch-f32,torch-bf16,llamacpp (or none), --peer-pooled 0|1 (libtorch also with pooled
/// capture; off by default: our pooled pass is compared with libtorch's plain pass, the harder
/// pairing), --bf16 0|1 (our bfloat16 compute as well; on by default), --parts
/// check,prefill,generate,evaluate,expertise, --out perf-results.json.
/// </summary>
internal static class PerfSuite
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        int threads = a.Int("threads", Environment.ProcessorCount), runs = a.Int("runs", 5);
        string batches = a.Str("batches", "1,16,64");
        var models = a.Str("models", "tinyllama").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var peers = a.Str("peers", "torch-f32,torch-bf16,llamacpp").Split(',', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "none").ToArray();
        var parts = a.Str("parts", "check,prefill,generate,evaluate,expertise").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string output = a.Str("out", "perf-results.json");
        bool peerPooled = a.Int("peer-pooled", 0) != 0;

        string load0 = PerfCommon.Load1();
        var started = DateTime.UtcNow;
        Console.WriteLine($"perf suite {started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({Cpu()}), threads {threads}, runs {runs}, load average (1 min) {load0}");
        double peak = FmaPeak.Measure(threads);
        Console.WriteLine($"FMA peak ({threads} threads, {FmaPeak.Width} FMA chains): {peak:F1} GFLOP/s");
        double dotPeak = Bf16DotPeak.Measure(threads);
        Console.WriteLine(dotPeak > 0 ? $"bf16 dot peak ({threads} threads, vdpbf16ps chains): {dotPeak:F1} GFLOP/s" : "bf16 dot peak: no AVX512_BF16");
        bool bf16 = a.Int("bf16", 1) != 0;

        var cases = new JsonArray();
        var report = new StringBuilder();
        foreach (string model in models)
        {
            PerfCommon.ResolveModel(model); // write a synthetic model once, outside any timed child
            if (parts.Contains("check") && peers.Length > 0)
                Child(["perf-check", "--model", model, "--threads", T(threads), "--peers", string.Join(',', peers)], passThrough: true);
            if (parts.Contains("prefill"))
            {
                var prefill = new List<JsonObject>();
                foreach (var (engine, capture) in PrefillCases(peers, peerPooled, bf16))
                {
                    var r = Child(["perf-case", "--case", "prefill", "--engine", engine, "--capture", capture ? "1" : "0", "--model", model,
                        "--batches", batches, "--runs", T(runs), "--threads", T(threads)]);
                    if (r is null) continue;
                    prefill.Add(r);
                    cases.Add(r);
                }
                report.Append(PrefillTable(model, prefill, batches.Split(',').Select(int.Parse).ToArray(), peak, dotPeak, runs));
            }
            if (parts.Contains("generate"))
            {
                var gen = new List<JsonObject>();
                foreach (var (engine, deactivate) in GenerateCases(peers, bf16))
                {
                    var r = Child(["perf-case", "--case", "generate", "--engine", engine, "--model", model, "--deactivate", T(deactivate), "--runs", T(runs), "--threads", T(threads)]);
                    if (r is null) continue;
                    gen.Add(r);
                    cases.Add(r);
                }
                report.AppendLine($"\ngeneration, {model}: 64 prompts x 8 new tokens (greedy, EOS ignored), median of {runs}");
                foreach (var r in gen)
                    report.AppendLine($"  {Label((string)r["engine"]!),-16} deactivated units {(int)r["deactivated_units"]!,5}: {(double)r["new_tokens_per_s"]!,8:F1} new tokens/s  ({(double)r["median_s"]!,6:F2} s per run)  peak RSS {(double)r["peak_rss_mib"]!,7:F0} MiB");
                double? Gen(string e) => gen.FirstOrDefault(r => (string)r["engine"]! == e && (int)r["deactivated_units"]! == 0)?["new_tokens_per_s"]?.GetValue<double>();
                foreach (var (num, den) in new[] { ("ours-bf16", "torch-bf16"), ("ours-bf16", "ours"), ("ours", "torch-f32") })
                    if (Gen(num) is { } x && Gen(den) is { } y) report.AppendLine($"  {Label(num)} / {Label(den)}: {x / y:F2}");
            }
            if (parts.Contains("evaluate"))
            {
                // Three resume points × (full + resumed) runs of 64 generations each: fewer repetitions keep the suite short.
                var r = Child(["perf-case", "--case", "evaluate", "--model", model, "--runs", T(Math.Min(runs, 3)), "--threads", T(threads)]);
                if (r is not null)
                {
                    cases.Add(r);
                    report.Append(EvaluateTable(model, r, Math.Min(runs, 3)));
                }
            }
        }
        if (parts.Contains("expertise"))
        {
            var r = Child(["perf-case", "--case", "expertise", "--runs", T(runs), "--threads", T(threads)]);
            if (r is not null)
            {
                cases.Add(r);
                report.AppendLine($"\nexpertise AP: {(int)r["units"]!:N0} units x {(int)r["prompts"]!:N0} prompts: median wall {(double)r["median_wall_s"]!:F2} s, cpu {(double)r["median_cpu_s"]!:F2} s; peak RSS {(double)r["peak_rss_mib"]!:F0} MiB");
            }
        }
        string load1 = PerfCommon.Load1();
        report.AppendLine($"\nload average (1 min): {load0} at start, {load1} at end{(double.Parse(load0, CultureInfo.InvariantCulture) > 3 || double.Parse(load1, CultureInfo.InvariantCulture) > 3 ? "  -- MEASURED UNDER LOAD (shared cores): absolute figures are low, ratios from the same run remain comparable" : "")}");
        Console.WriteLine();
        Console.Write(report);

        var json = new JsonObject
        {
            ["started_utc"] = started.ToString("o"), ["cores"] = Environment.ProcessorCount, ["cpu"] = Cpu(), ["threads"] = threads, ["runs"] = runs,
            ["fma_peak_gflops"] = peak, ["bf16_dot_peak_gflops"] = dotPeak, ["load1_start"] = load0, ["load1_end"] = load1, ["cases"] = cases, ["report"] = report.ToString(),
        };
        AtomicFile.WriteAllText(output, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"results: {Path.GetFullPath(output)}");
        return 0;
    }

    private static string T(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<(string Engine, bool Capture)> PrefillCases(string[] peers, bool peerPooled, bool bf16)
    {
        yield return ("ours", false);
        yield return ("ours", true);
        if (bf16)
        {
            yield return ("ours-bf16", false);
            yield return ("ours-bf16", true);
        }
        foreach (var p in peers.Where(p => p.StartsWith("torch", StringComparison.Ordinal)))
        {
            yield return (p, false);
            if (peerPooled) yield return (p, true);
        }
        if (peers.Contains("llamacpp")) yield return ("llamacpp", false);
    }

    /// <summary>Generation cases: ours float32 with and without deactivation, ours bfloat16, and the libtorch peers.</summary>
    private static IEnumerable<(string Engine, int Deactivate)> GenerateCases(string[] peers, bool bf16)
    {
        yield return ("ours", 0);
        yield return ("ours", 6000);
        if (bf16) yield return ("ours-bf16", 0);
        foreach (var p in peers.Where(p => p.StartsWith("torch", StringComparison.Ordinal))) yield return (p, 0);
    }

    private static string PrefillTable(string model, List<JsonObject> results, int[] batches, double peak, double dotPeak, int runs)
    {
        var sb = new StringBuilder();
        double? Tps(string engine, bool capture, int batch) =>
            results.FirstOrDefault(r => (string)r["engine"]! == engine && (bool)r["capture"]! == capture)?["results"]!.AsArray()
                .FirstOrDefault(x => (int)x!["batch"]! == batch)?["tokens_per_s"]?.GetValue<double>();
        string Cols(Func<int, string> cell) => string.Concat(batches.Select(b => $"{cell(b),12}"));
        sb.AppendLine($"\nprefill tokens/s, {model}, prompts of 12-16 tokens, median of {runs} runs");
        sb.AppendLine($"  {"engine",-16}{"capture",-9}{Cols(b => $"batch {b}")}{"peak RSS MiB",15}");
        foreach (var r in results)
        {
            string e = (string)r["engine"]!; bool cap = (bool)r["capture"]!;
            sb.AppendLine($"  {Label(e),-16}{(cap ? "pooled" : "-"),-9}{Cols(b => Tps(e, cap, b) is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "")}{(double)r["peak_rss_mib"]!,15:F0}");
        }
        sb.AppendLine($"  ratios (our tokens/s over theirs):");
        void Ratio(string name, string e1, bool c1, string e2, bool c2)
        {
            if (results.All(r => (string)r["engine"]! != e2)) return;
            sb.AppendLine($"  {name,-40}{Cols(b => Tps(e1, c1, b) is { } x && Tps(e2, c2, b) is { } y ? (x / y).ToString("F2", CultureInfo.InvariantCulture) : "")}");
        }
        Ratio("ours pooled / ours no capture", "ours", true, "ours", false);
        foreach (var peer in new[] { "torch-f32", "torch-bf16" })
        {
            Ratio($"ours / {Label(peer)}", "ours", false, peer, false);
            Ratio($"ours pooled / {Label(peer)} pooled", "ours", true, peer, true);
            Ratio($"ours pooled / {Label(peer)} no capture", "ours", true, peer, false);
        }
        Ratio("ours bf16 / libtorch bf16", "ours-bf16", false, "torch-bf16", false);
        Ratio("ours bf16 pooled / libtorch bf16 no capture", "ours-bf16", true, "torch-bf16", false);
        Ratio("ours bf16 / ours f32", "ours-bf16", false, "ours", false);
        Ratio("ours bf16 pooled / ours f32 pooled", "ours-bf16", true, "ours", true);
        Ratio("ours / llama.cpp", "ours", false, "llamacpp", false);
        Ratio("ours pooled / llama.cpp no capture", "ours", true, "llamacpp", false);
        foreach (var (engine, ceiling, name) in new[] { ("ours", peak, "FMA"), ("ours-bf16", dotPeak, "bf16 dot") })
        {
            var ours = results.FirstOrDefault(r => (string)r["engine"]! == engine && !(bool)r["capture"]!);
            if (ours is null || ceiling <= 0) continue;
            sb.Append($"  {Label(engine)}, matrix-product GFLOP/s (% of {name} peak {ceiling:F0}):   ");
            foreach (var x in ours["results"]!.AsArray())
                sb.Append($"  b={(int)x!["batch"]!}: {(double)x["gflops"]!:F0} ({100 * (double)x["gflops"]! / ceiling:F0}%)");
            sb.AppendLine();
            sb.Append($"  {Label(engine)}, share of the pass spent in the matrix products (same products timed alone):");
            foreach (var x in ours["results"]!.AsArray())
                if (x!["gemm_only_s"] is { } g) sb.Append($"  b={(int)x["batch"]!}: {100 * (double)g / (double)x["median_s"]!:F0}%");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string EvaluateTable(string model, JsonObject r, int runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"\nevaluate with deactivation in layers >= l, {model}: {(int)r["prompts"]!} prompts x {(int)r["new_tokens"]!} new tokens, "
            + $"resumed from the clean run's prefix cache vs the same run in full, median of {runs}");
        sb.AppendLine($"  {"from layer",-12}{"full s",10}{"prefill s",11}{"resumed s",12}{"resumed/full",14}{"FLOP share",12}{"resumed/FLOP",14}{"priced share",14}{"resumed/priced",16}{"rows departed",15}");
        foreach (var x in r["results"]!.AsArray())
            sb.AppendLine($"  {(int)x!["from_layer"]!,-12}{(double)x["full_median_s"]!,10:F2}{(double)x["full_prefill_median_s"]!,11:F2}{(double)x["resumed_median_s"]!,12:F2}{(double)x["resumed_over_full"]!,14:F3}"
                + $"{(double)x["ideal_share"]!,12:F3}{(double)x["resumed_over_ideal"]!,14:F3}{(double)x["priced_share"]!,14:F3}{(double)x["resumed_over_priced"]!,16:F3}{(long)x["rows_departed"]!,15}");
        sb.AppendLine("  FLOP share: matrix-product FLOPs the resumed run must recompute (layers >= l for rows agreeing with the clean run, all layers for departed rows, LM head) over the full run's");
        sb.AppendLine("  priced share: the same work with prefill and decode rows each priced at their cost in the full run (its prefill time x prefill FLOP share + its decode time x decode FLOP share)");
        return sb.ToString();
    }

    private static string Label(string engine) => engine switch
    {
        "torch-f32" => "libtorch f32",
        "torch-bf16" => "libtorch bf16",
        "llamacpp" => "llama.cpp",
        "ours-bf16" => "ours bf16",
        _ => engine,
    };

    /// <summary>Runs this benchmark executable with <paramref name="args"/>; returns its RESULT object (null if it failed).</summary>
    internal static JsonObject? Child(string[] args, bool passThrough = false)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet bench.dll` the process path is dotnet itself.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") info.ArgumentList.Add(typeof(PerfSuite).Assembly.Location);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var p = Process.Start(info)!;
        JsonObject? result = null;
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = JsonNode.Parse(line[7..])!.AsObject();
            else if (passThrough) Console.WriteLine(line);
        }
        p.WaitForExit();
        if (p.ExitCode != 0) Console.WriteLine($"  ({string.Join(' ', args)}: exit code {p.ExitCode})");
        return result;
    }

    private static string Cpu()
    {
        try { return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"; }
        catch (IOException) { return "?"; }
    }
}
