using System.CommandLine;
using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons calibrate [--show] [--json]`: times the float32 kernel's candidate plans on this
/// machine, one calibration per stored weight type (<see cref="KernelKind"/>), caches the fastest
/// (docs/engine.md, "Kernel plans") and prints the tables; with <c>--show</c> only prints the
/// plans in force and the cache file, measuring nothing. <c>--json</c>: an array, one object per kind.
/// </summary>
internal static class CalibrateVerb
{
    /// <summary>The `--json` document.</summary>
    internal sealed record Result(
        string Kind, string Level, string Plan, string Source, string CachePath, bool Cached, double? Seconds, int? Threads,
        IReadOnlyList<string>? Shapes, IReadOnlyList<Candidate>? Candidates);

    internal sealed record Candidate(string Plan, IReadOnlyList<double> Gflops, bool Chosen);

    private static Result Shown(KernelKind kind, SimdLevel level)
    {
        var (plan, source) = KernelCalibration.Current(kind, level);
        return new Result(KernelPlan.KindName(kind), level.ToString(), plan.ToString(), source, KernelCalibration.CachePath,
            source == "cached", null, null, null, null);
    }

    private static Result Measured(KernelKind kind, SimdLevel level)
    {
        var c = KernelCalibration.CalibrateAndCache(kind, level, threads: 1, out bool cached);
        return new Result(KernelPlan.KindName(kind), c.Level.ToString(), c.Plan.ToString(), "calibrated", KernelCalibration.CachePath, cached,
            Math.Round(c.Seconds, 3), c.Threads, c.Shapes.Select(s => $"{s.M}x{s.K}x{s.N}").ToArray(),
            c.Candidates.Select(t => new Candidate(t.Plan.ToString(),
                Enumerable.Range(0, c.Shapes.Count).Select(s => Math.Round(c.Gflops(t, s), 1)).ToArray(), t.Plan == c.Plan)).ToArray());
    }

    public static Command Create()
    {
        var show = new Option<bool>("--show") { Description = "print the plan in force (cached, or the fixed one) without measuring" };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("calibrate",
            "time the float32 kernel's candidate tile plans on this machine for F32, BF16 and F16 weights (about 5 s), cache the fastest and show them") { show, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var level = KernelOptions.Simd;
            var results = Enum.GetValues<KernelKind>().Select(kind => parse.GetValue(show) ? Shown(kind, level) : Measured(kind, level)).ToArray();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(results);
                return 0;
            }
            foreach (var result in results)
            {
                if (result.Candidates is { } candidates)
                {
                    Console.WriteLine($"{result.Kind} candidates ({result.Threads} thread, GFLOP/s at M×K×N = {string.Join(", ", result.Shapes!)}; fastest of several rounds, process CPU time):");
                    foreach (var t in candidates)
                        Console.WriteLine($"  {t.Plan,-22} {string.Join("  ", t.Gflops.Select(g => $"{g,7:F1}"))}{(t.Chosen ? "  <- chosen" : "")}");
                    Console.WriteLine($"calibrated in {result.Seconds:F2} s");
                }
                Console.WriteLine($"plan:   {result.Kind}/{result.Level} {result.Plan} ({result.Source})");
            }
            Console.WriteLine($"cache:  {results[0].CachePath}{(results.All(r => r.Cached) ? "" : " (not written)")}");
            if (KernelCalibration.Mode == CalibrationMode.Off)
                Console.WriteLine($"note:   {KernelCalibration.EnvironmentVariable}=off: the kernels use the fixed plan {KernelPlan.Default(level)}");
            return 0;
        }));
        return command;
    }
}
