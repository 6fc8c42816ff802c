using System.Diagnostics;
using System.Globalization;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Models;

namespace RelationNeurons.Bench;

/// <summary>Prompts, timing and memory helpers shared by the performance cases.</summary>
internal static class PerfCommon
{
    /// <summary>
    /// Deterministic prompts like the method's: BOS then 11-15 random ids (12-16 tokens), ids
    /// above the control and byte tokens so every engine and tokenizer accepts them.
    /// </summary>
    public static int[][] Prompts(int count, int vocab, int seed = 7)
    {
        var rng = new Random(seed);
        int low = vocab > 512 ? 259 : 3;
        var prompts = new int[count][];
        for (int i = 0; i < count; i++)
        {
            var p = new int[12 + rng.Next(5)];
            p[0] = 1;
            for (int j = 1; j < p.Length; j++) p[j] = low + rng.Next(vocab - low);
            prompts[i] = p;
        }
        return prompts;
    }

    /// <summary>One untimed warm-up call (JIT, page faults, buffer growth), then <paramref name="runs"/> timed calls; seconds each.</summary>
    public static double[] Time(int runs, Action body) => TimeInterleaved(runs, body)[0];

    /// <summary>
    /// Several bodies timed in turn (one warm-up call each, then round r times every body once),
    /// so that a drift of the machine's speed during the measurement hits each alike and ratios
    /// between them keep; seconds per body and run.
    /// </summary>
    public static double[][] TimeInterleaved(int runs, params Action[] bodies)
    {
        foreach (var body in bodies) body();
        var times = bodies.Select(_ => new double[runs]).ToArray();
        for (int r = 0; r < runs; r++)
            for (int b = 0; b < bodies.Length; b++)
            {
                long t0 = Stopwatch.GetTimestamp();
                bodies[b]();
                times[b][r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }
        return times;
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Peak resident set of this process (VmHWM), in MiB: anonymous memory plus touched pages of mapped files.</summary>
    public static double PeakResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>A named synthetic model (written on first use) or a checkpoint folder.</summary>
    public static string ResolveModel(string name) =>
        SyntheticModel.IsSynthetic(name) ? SyntheticModel.Ensure(name) : name;

    /// <summary>Multiply-adds ×2 of the matrix products per prompt token (all layers, no LM head): the GEMM-bound work.</summary>
    public static double FlopsPerToken(LlamaConfig c) =>
        2.0 * c.NumHiddenLayers * ((long)c.HiddenSize * (c.QueryWidth + 2L * c.KeyValueWidth) + (long)c.QueryWidth * c.HiddenSize + 3L * c.HiddenSize * c.IntermediateSize);

    /// <summary>
    /// Rows the engine computes for one step of <paramref name="batch"/>: every token, less the
    /// common prefix of all but one prompt when the step shares it (EngineOptions.SharePromptPrefixes).
    /// </summary>
    public static long ComputedRows(int[][] batch, EngineOptions options)
    {
        long tokens = batch.Sum(p => (long)p.Length);
        return tokens - (long)(batch.Length - 1) * LlamaModel.SharedPrefixLength(batch, 0, batch.Length, options);
    }

    /// <summary>
    /// <paramref name="count"/> distinct random <c>mlp.hook_post</c> units of layers ≥ <paramref name="fromLayer"/>
    /// (at most half of those layers' units: a small model has fewer).
    /// </summary>
    public static HashSet<NeuronId> RandomUnits(LlamaConfig c, int fromLayer, int count, int seed)
    {
        var rng = new Random(seed);
        int layers = c.NumHiddenLayers - fromLayer;
        count = Math.Min(count, layers * c.IntermediateSize / 2);
        var units = new HashSet<NeuronId>();
        while (units.Count < count)
            units.Add(new NeuronId(new HookPoint(fromLayer + rng.Next(layers), TapKind.MlpPost), rng.Next(c.IntermediateSize)));
        return units;
    }

    public static string Load1() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>Our engine's compute precision from a case's engine name ("ours" float32, "ours-bf16" bfloat16).</summary>
    public static RelationNeurons.Inference.ComputePrecision Compute(string engine) =>
        engine == "ours-bf16" ? RelationNeurons.Inference.ComputePrecision.Bf16 : RelationNeurons.Inference.ComputePrecision.F32;
}
