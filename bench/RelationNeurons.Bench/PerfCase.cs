using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RelationNeurons.Analysis;
using RelationNeurons.Bench.Peers;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Models;

namespace RelationNeurons.Bench;

/// <summary>
/// One measured case, run in its own process by <see cref="PerfSuite"/> so that its peak
/// resident memory is its own. Prints one line "RESULT {json}".
/// Options: --case prefill|generate|evaluate|expertise|record (see StreamMemoryBench), --engine ours|ours-bf16|torch-f32|torch-bf16|llamacpp (generate: ours|ours-bf16|torch-f32|torch-bf16),
/// --model tinyllama|small|DIR, --capture 0|1, --batches 1,16,64, --runs R, --threads T,
/// --deactivate N (generate: random hook_post units zeroed), --new-tokens N, --prompts N,
/// --share 0|1 (ours: run the prompts' common prefix once per step; default 1), --calibration off|auto|force
/// (our float32 kernel plans: the fixed one, default, or the CLI's cached / calibrated ones).
/// </summary>
internal static class PerfCase
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        int threads = a.Int("threads", Environment.ProcessorCount);
        KernelOptions.MaxThreads = threads;
        // Blocking sweep: the fixed float32 plan with this many column tiles per block (0 = the size rule).
        if (a.Str("coltiles", "") != "") KernelCalibration.Forced = KernelPlan.Default(KernelOptions.Simd) with { ColTiles = a.Int("coltiles", 0) };
        // The CLI's plans (auto: this machine's cached ones, calibrated on the first large product if none) or the fixed one (off).
        string calibration = a.Str("calibration", "off");
        KernelCalibration.Mode = KernelCalibration.ParseMode(calibration) ?? throw new ArgumentException($"--calibration {calibration}: off, auto or force");
        string kind = a.Str("case", "prefill");
        JsonObject result = kind switch
        {
            "prefill" => Prefill(a, threads),
            "generate" => Generate(a),
            "evaluate" => EvaluateBench.Run(a),
            "expertise" => Expertise(a, threads),
            "record" => StreamMemoryBench.Case(a),
            _ => throw new ArgumentException($"unknown case '{kind}'"),
        };
        result["case"] = kind;
        result["kernel_plan"] = KernelCalibration.Describe();
        result["peak_rss_mib"] = Math.Round(PerfCommon.PeakResidentMiB(), 1);
        result["load1_end"] = PerfCommon.Load1();
        Console.WriteLine("RESULT " + result.ToJsonString());
        return 0;
    }

    private static JsonObject Prefill(BenchArgs a, int threads)
    {
        string engine = a.Str("engine", "ours");
        bool capture = a.Int("capture", 0) != 0;
        int runs = a.Int("runs", 5);
        var batches = a.Str("batches", "1,16,64").Split(',').Select(int.Parse).ToArray();
        string dir = PerfCommon.ResolveModel(a.Str("model", "tinyllama"));
        var config = LlamaConfig.Load(Path.Combine(dir, "config.json"));
        var prompts = PerfCommon.Prompts(batches.Max(), config.VocabSize);
        int f = config.IntermediateSize, layers = config.NumHiddenLayers;

        Func<int[][], Action> make;
        IDisposable? owner;
        LlamaModel? oursModel = null;
        switch (engine)
        {
            case "ours":
            case "ours-bf16":
            {
                // --share 0 turns off running the prompts' common prefix (here: BOS) once per step.
                var model = LlamaModel.Load(dir, new EngineOptions { SharePromptPrefixes = a.Int("share", 1) != 0, Compute = PerfCommon.Compute(engine) });
                owner = model;
                oursModel = model;
                make = batch =>
                {
                    if (!capture) return () => model.Forward(batch, null, LogitsSelection.LastPosition);
                    // The recorder's own path: one mean-pooling reader per layer on hook_post.
                    var hooks = new HookSet();
                    var readers = new PoolingReader[layers];
                    for (int l = 0; l < layers; l++) hooks.AddReader(new HookPoint(l, TapKind.MlpPost), readers[l] = new PoolingReader(Pooling.Mean, f));
                    var bos = batch.Select(p => p[0] == config.BosTokenId).ToArray();
                    return () =>
                    {
                        foreach (var r in readers) r.Reset(batch.Length, bos);
                        model.Forward(batch, hooks, LogitsSelection.None);
                    };
                };
                break;
            }
            case "torch-f32":
            case "torch-bf16":
            {
                TorchSharp.torch.set_num_threads(threads);
                var model = new TorchLlama(dir, config, engine == "torch-f32" ? TorchSharp.torch.ScalarType.Float32 : TorchSharp.torch.ScalarType.BFloat16);
                owner = model;
                make = batch =>
                {
                    var pooled = capture ? new float[layers][] : null;
                    return () => model.Forward(batch, pooled);
                };
                break;
            }
            case "llamacpp":
            {
                if (capture) throw new ArgumentException("llama.cpp has no capture mode here");
                string gguf = LlamaCppGguf.Ensure(dir, config);
                int maxTokens = prompts.Sum(p => p.Length);
                var model = new LlamaCppPeer(gguf, threads, (maxTokens + 255) / 256 * 256, prompts.Length, config.VocabSize);
                owner = model;
                make = batch => () => model.Prefill(batch);
                break;
            }
            default: throw new ArgumentException($"unknown engine '{engine}'");
        }

        var rows = new JsonArray();
        try
        {
            foreach (int b in batches)
            {
                var batch = prompts[..b];
                int tokens = batch.Sum(p => p.Length);
                var times = PerfCommon.Time(runs, make(batch));
                double median = PerfCommon.Median(times);
                // Our engine runs a shared prefix (BOS) once per step: GFLOP/s count the rows it computes, tokens/s every prompt token.
                long computed = oursModel is null ? tokens : PerfCommon.ComputedRows(batch, oursModel.Options);
                // The same matrix products alone (same weights and rows): what the rest of the pass costs on top.
                double? gemm = oursModel is null || capture ? null : PerfCommon.Median(PerfCommon.Time(Math.Min(runs, 3), GemmOnly(oursModel, (int)computed)));
                rows.Add(new JsonObject
                {
                    ["gemm_only_s"] = gemm,
                    ["batch"] = b, ["tokens"] = tokens, ["computed_rows"] = computed, ["median_s"] = median, ["tokens_per_s"] = tokens / median,
                    ["gflops"] = PerfCommon.FlopsPerToken(config) * computed / median / 1e9,
                    ["runs_s"] = new JsonArray(times.Select(t => (JsonNode?)t).ToArray()),
                });
                Console.Error.WriteLine($"  {engine,-10} capture={(capture ? 1 : 0)} batch {b,3}: {tokens / median,9:F1} tok/s (median of {runs}, load {PerfCommon.Load1()})" +
                    (gemm is { } g ? $"; matrix products alone {100 * g / median:F0}% of the pass" : ""));
            }
        }
        finally { owner?.Dispose(); }
        return new JsonObject { ["engine"] = engine, ["capture"] = capture, ["model"] = a.Str("model", "tinyllama"), ["threads"] = threads, ["results"] = rows };
    }

    /// <summary>Every layer's seven projections on <paramref name="rows"/> rows, nothing else, as the pass runs them (on the copies packed once, where the model keeps them).</summary>
    private static Action GemmOnly(LlamaModel model, int rows)
    {
        var c = model.Config;
        int widest = Math.Max(c.IntermediateSize, Math.Max(c.HiddenSize, c.QueryWidth));
        var x = new float[(long)rows * widest];
        var y = new float[(long)rows * widest];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 17 - 8) * 0.01f;
        return () =>
        {
            foreach (var w in model.Weights.Layers)
                foreach (var m in new[] { w.Q, w.K, w.V, w.O, w.Gate, w.Up, w.Down })
                    model.Pass.Products.Multiply(x.AsSpan(0, rows * m.Cols), rows, m, y.AsSpan(0, rows * m.Rows));
        };
    }

    private static JsonObject Generate(BenchArgs a)
    {
        int runs = a.Int("runs", 5), count = a.Int("prompts", 64), newTokens = a.Int("new-tokens", 8), deactivate = a.Int("deactivate", 0);
        string engine = a.Str("engine", "ours");
        string dir = PerfCommon.ResolveModel(a.Str("model", "tinyllama"));
        if (engine.StartsWith("torch", StringComparison.Ordinal)) return GenerateTorch(a, engine, dir, runs, count, newTokens);
        using var model = LlamaModel.Load(dir, new EngineOptions { Compute = PerfCommon.Compute(engine) });
        var c = model.Config;
        var prompts = PerfCommon.Prompts(count, c.VocabSize);
        HookSet? hooks = null;
        if (deactivate > 0)
        {
            // Units spread over all layers, like a relation's top units (N = 6000 in the paper's command).
            var units = PerfCommon.RandomUnits(c, 0, deactivate, seed: 11);
            deactivate = units.Count;
            hooks = new HookSet().Deactivate(units);
        }
        int generated = 0;
        var times = PerfCommon.Time(runs, () =>
        {
            var g = model.Generate(prompts, newTokens, hooks, stop: null, stopAtEos: false);
            generated = g.Sum(r => r.NewIds.Length);
        });
        double median = PerfCommon.Median(times);
        Console.Error.WriteLine($"  generate {engine} deactivate={deactivate}: {generated / median:F1} new tok/s (median of {runs}, load {PerfCommon.Load1()})");
        return new JsonObject
        {
            ["engine"] = engine, ["model"] = a.Str("model", "tinyllama"), ["prompts"] = count, ["new_tokens"] = newTokens, ["deactivated_units"] = deactivate,
            ["prompt_tokens"] = prompts.Sum(p => p.Length), ["generated"] = generated, ["median_s"] = median, ["new_tokens_per_s"] = generated / median,
            ["runs_s"] = new JsonArray(times.Select(t => (JsonNode?)t).ToArray()),
        };
    }

    /// <summary>The same generation case on libtorch (KV cache, greedy, EOS ignored).</summary>
    private static JsonObject GenerateTorch(BenchArgs a, string engine, string dir, int runs, int count, int newTokens)
    {
        var config = LlamaConfig.Load(Path.Combine(dir, "config.json"));
        var prompts = PerfCommon.Prompts(count, config.VocabSize);
        TorchSharp.torch.set_num_threads(a.Int("threads", Environment.ProcessorCount));
        using var model = new TorchLlama(dir, config, engine == "torch-f32" ? TorchSharp.torch.ScalarType.Float32 : TorchSharp.torch.ScalarType.BFloat16);
        int generated = 0;
        var times = PerfCommon.Time(runs, () => generated = model.Generate(prompts, newTokens).Sum(g => g.Length));
        double median = PerfCommon.Median(times);
        Console.Error.WriteLine($"  generate {engine}: {generated / median:F1} new tok/s (median of {runs}, load {PerfCommon.Load1()})");
        return new JsonObject
        {
            ["engine"] = engine, ["model"] = a.Str("model", "tinyllama"), ["prompts"] = count, ["new_tokens"] = newTokens, ["deactivated_units"] = 0,
            ["prompt_tokens"] = prompts.Sum(p => p.Length), ["generated"] = generated, ["median_s"] = median, ["new_tokens_per_s"] = generated / median,
            ["runs_s"] = new JsonArray(times.Select(t => (JsonNode?)t).ToArray()),
        };
    }

    /// <summary>The existing expertise benchmark (100,000 units × 4,000 prompts), its printed medians parsed.</summary>
    private static JsonObject Expertise(BenchArgs a, int threads)
    {
        int units = a.Int("units", 100_000), prompts = a.Int("prompts", 4_000), runs = a.Int("runs", 5);
        var previous = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try { ExpertiseBench.Run([units.ToString(CultureInfo.InvariantCulture), prompts.ToString(CultureInfo.InvariantCulture), "12", runs.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)]); }
        finally { Console.SetOut(previous); }
        string text = captured.ToString();
        Console.Error.Write(text);
        double Parse(string pattern) => double.Parse(Regex.Match(text, pattern).Groups[1].Value, CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["units"] = units, ["prompts"] = prompts, ["threads"] = threads,
            ["median_wall_s"] = Parse(@"median wall ([0-9.]+) s"), ["median_cpu_s"] = Parse(@"median cpu ([0-9.]+) s"),
        };
    }
}
