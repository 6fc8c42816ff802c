using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RelationNeurons.Analysis;
using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Method;

namespace RelationNeurons.Bench;

/// <summary>
/// Peak resident memory of <c>record --stream-layers</c> against the default (chunked) record:
/// each records the same prompts on the same model in its own child process (`perf-case --case
/// record`), whose VmHWM is then its own, and the streamed peak is set against one layer's
/// weight bytes and the prompts' hidden-state bytes.
/// Wall and processor seconds are reported for both (the load average at the end of each child
/// says how shared the machine was).
/// Options: --model tinyllama|small|DIR, --prompts 512, --units linear|mlp, --batch 16,
/// --threads T, --modes stream,chunked, --out stream-memory.json.
/// </summary>
internal static class StreamMemoryBench
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        string model = a.Str("model", "tinyllama"), units = a.Str("units", "all");
        int prompts = a.Int("prompts", 512), batch = a.Int("batch", 16), threads = a.Int("threads", Environment.ProcessorCount);
        var modes = a.Str("modes", "stream,chunked").Split(',', StringSplitOptions.RemoveEmptyEntries);
        PerfCommon.ResolveModel(model); // write a synthetic model once, outside the measured children
        Console.WriteLine($"record memory, {model}: {prompts} prompts of 12-16 tokens, units {units}, batch {batch}, threads {threads}, load average (1 min) {PerfCommon.Load1()}");
        var results = new JsonArray();
        foreach (string mode in modes)
        {
            var r = PerfSuite.Child(["perf-case", "--case", "record", "--model", model, "--prompts", Str(prompts), "--units", units,
                "--batch", Str(batch), "--threads", Str(threads), "--stream-layers", mode == "stream" ? "1" : "0"]);
            if (r is null) continue;
            results.Add(r);
            double layer = Mib(r, "layer_weight_bytes"), hidden = Mib(r, "hidden_bytes"), peak = (double)r["peak_rss_mib"]!;
            Console.WriteLine($"  {mode,-8} peak RSS (VmHWM) {peak,7:F0} MiB   wall {(double)r["seconds"]!,7:F1} s   cpu {(double)r["cpu_s"]!,7:F1} s (system {(double)r["system_cpu_s"]!:F1})   " +
                $"runtime at start {(double)r["rss_start_mib"]!,4:F0} MiB   one layer's weights {layer:F1} MiB   hidden states {hidden:F1} MiB   " +
                $"model files {Mib(r, "mapped_bytes"):F0} MiB");
            double start = (double)r["rss_start_mib"]!;
            Console.WriteLine($"           peak / (2 × one layer + hidden) = {peak / (2 * layer + hidden):F2} (below 1 required of --stream-layers); " +
                $"above the runtime at start: {peak - start:F0} MiB = {(peak - start) / (layer + hidden):F2} × (one layer + hidden)");
        }
        string output = a.Str("out", "stream-memory.json");
        IO.AtomicFile.WriteAllText(output, new JsonObject { ["model"] = model, ["results"] = results }.ToJsonString(new() { WriteIndented = true }) + "\n");
        Console.WriteLine($"wrote {output}");
        return results.Count == modes.Length ? 0 : 1;
    }

    /// <summary>The child: one record (streamed or chunked) into a scratch folder that is deleted after.</summary>
    public static JsonObject Case(BenchArgs a)
    {
        double rssStart = ResidentMiB();
        string dir = PerfCommon.ResolveModel(a.Str("model", "tinyllama"));
        bool stream = a.Int("stream-layers", 1) != 0;
        int count = a.Int("prompts", 512), batch = a.Int("batch", 16);
        string units = a.Str("units", "all");
        KernelOptions.MaxThreads = a.Int("threads", Environment.ProcessorCount);
        string scratch = Path.Combine(Environment.GetEnvironmentVariable("RELNEURONS_BENCH_CACHE") ?? Path.Combine(Path.GetTempPath(), "relneurons-bench"),
            $"record-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var watch = Stopwatch.StartNew();
            using var model = LlamaModel.Load(dir);
            var c = model.Config;
            var ids = PerfCommon.Prompts(count, c.VocabSize);
            var prompts = ids.Select((p, i) => new RecordPrompt(p, new PromptLabel($"r{i % 8}", "en", $"f{i}"))).ToList();
            Recorder.Record(model, prompts, scratch, new RecordOptions { Units = ProtocolNames.ParseUnits(units), BatchPrompts = batch, StreamLayers = stream });
            double seconds = watch.Elapsed.TotalSeconds;
            // Processor time is what the two modes cost under a shared machine's changing load; wall time is what a user waits.
            using var self = Process.GetCurrentProcess();
            double cpu = self.TotalProcessorTime.TotalSeconds, system = self.PrivilegedProcessorTime.TotalSeconds;
            var layers = new LayerStream(model);
            long tokens = LayerStream.Rows(ids);
            long recordBytes = Directory.EnumerateFiles(scratch).Sum(f => new FileInfo(f).Length);
            Console.Error.WriteLine($"  record stream-layers={(stream ? 1 : 0)}: {seconds:F1} s, {tokens / seconds:F1} tok/s, peak RSS {PerfCommon.PeakResidentMiB():F0} MiB (load {PerfCommon.Load1()})");
            return new JsonObject
            {
                ["stream_layers"] = stream, ["model"] = a.Str("model", "tinyllama"), ["units"] = units, ["prompts"] = count, ["tokens"] = tokens, ["batch"] = batch,
                ["seconds"] = Math.Round(seconds, 2), ["cpu_s"] = Math.Round(cpu, 2), ["system_cpu_s"] = Math.Round(system, 2), ["tokens_per_s"] = Math.Round(tokens / seconds, 1),
                ["layer_weight_bytes"] = layers.LayerWeightBytes(0), ["embedding_bytes"] = layers.EmbeddingBytes,
                ["hidden_bytes"] = tokens * c.HiddenSize * sizeof(float), ["mapped_bytes"] = model.MappedBytes, ["record_bytes"] = recordBytes,
                ["rss_start_mib"] = Math.Round(rssStart, 1),
            };
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    private static double Mib(JsonObject r, string key) => (long)r[key]! / 1048576.0;

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Current resident set (VmRSS) in MiB: what the runtime holds before any work.</summary>
    private static double ResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
