using System.CommandLine;
using System.Diagnostics;
using RelationNeurons.Analysis;
using RelationNeurons.Data;
using RelationNeurons.Inference;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Runs;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons record --model M --prompts FILE --out DIR`: one pooled value per prompt for every
/// unit of the unit set, one safetensors file per layer, resumable. With <c>--shard i/n</c> it
/// records only its share of the prompt batches (the record's chunk files, as <c>run --stage record</c>'s
/// shards do); the same command without it then only assembles the layer files.
/// </summary>
internal static class RecordVerb
{
    internal sealed record RecordSummary(string Out, string Model, string Units, string Pooling, string Dtype, int Prompts,
        int PromptsResumed, int Layers, long UnitsTotal, IReadOnlyList<string> Taps, double Seconds, double PromptsPerSecond,
        bool StreamLayers, int LayersResumed);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id", Required = true };
        var prompts = new Option<string>("--prompts") { Description = "identification prompts: a JSONL file or a folder with identification.jsonl (made by `relneurons prompts`)", Required = true };
        var output = new Option<string>("--out") { Description = "record folder to write (re-running the same command resumes it)", Required = true };
        var protocol = new ProtocolArguments();
        var pooling = new Option<string>("--pooling") { Description = "mean (BOS included, the reference's), mean-excluding-bos, max or last", DefaultValueFactory = _ => "mean" };
        var dtype = new Option<string>("--dtype") { Description = "f32 or f16 (half the disk)", DefaultValueFactory = _ => "f32" };
        var batch = new Option<int>("--batch") { Description = "prompts per forward pass and per resumable chunk", DefaultValueFactory = _ => 16 };
        var streamLayers = new Option<bool>("--stream-layers")
        {
            Description = "record layer by layer (all prompts through layer 0, then 1, ...) so that about one layer's weights " +
                          "stay in memory: for models larger than memory; same files, resumable per layer (docs/formats.md)",
        };
        var json = new Option<bool>("--json") { Description = "print the summary as JSON on stdout" };
        var compute = new ComputeArgument();
        var sharding = new ShardArguments("prompt batches (chunks)");
        var command = new Command("record", "record every unit's pooled activation on the identification prompts")
            { model, prompts, output, protocol.Protocol, protocol.Units, pooling, dtype, batch, streamLayers, json, compute.Option };
        foreach (var o in sharding.All) command.Options.Add(o);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            sharding.Resources.Apply(parse);
            var shard = sharding.Parse(parse);
            var options = new RecordOptions
            {
                Units = protocol.Resolve(parse).Units,
                Pooling = ParsePooling(parse.GetValue(pooling)!),
                Dtype = ParseDtype(parse.GetValue(dtype)!),
                BatchPrompts = parse.GetValue(batch),
                PromptsFile = Path.GetFullPath(PromptsPath(parse.GetValue(prompts)!)),
                StreamLayers = parse.GetValue(streamLayers),
            };
            var list = PromptFile.Read(options.PromptsFile);
            if (list.Count == 0) throw new UserInputException($"{options.PromptsFile}: no prompts");
            using var m = LlamaModel.Load(parse.GetValue(model)!, compute.Engine(parse));
            var tokenizer = m.LoadTokenizer();
            var toRecord = list.Select(p => new RecordPrompt(tokenizer.Encode(p.Text, addBos: tokenizer.AddBosByDefault),
                new PromptLabel(p.Relation, p.Language, p.FactId, p.Text))).ToList();
            options = options with { ModelName = parse.GetValue(model) };

            string outDir = parse.GetValue(output)!;
            // Everything the chunks depend on: the model's weights, the unit set, pooling, dtype, batch (chunk size), the prompts.
            var shards = new ShardFolder(outDir, "record");
            string Digest() => ShardSettings.Digest("record", ModelFingerprinter.Compute(options.ModelName!, m.Directory, m.FilePaths).WeightsSha256,
                [new("options", ShardArguments.Json(options)), new("compute", ComputePrecisions.Name(m.Options.Compute))],
                outDir, [options.PromptsFile]);
            if (ShardArguments.RunShard(shard, shards, Digest, s =>
                {
                    var (first, count, total) = Recorder.RecordShard(m, toRecord, outDir, s, options);
                    return new ShardShare(first, count, total);
                }))
                return 0;
            // The shards' chunks are on disk: the record below finds them all and only assembles the layer files.
            ShardArguments.Finished(shards, Digest);
            var watch = Stopwatch.StartNew();
            int resumed = 0, done = 0, layersResumed = 0;
            using var cancel = ProgressConsole.CancelOnCtrlC();
            var manifest = ProgressConsole.Run("recording", (report, token) =>
                Recorder.Record(m, toRecord, outDir, options, ProgressConsole.Sync<RecordProgress>(p =>
                {
                    resumed = p.PromptsResumed; done = p.PromptsDone; layersResumed = p.LayersResumed;
                    if (p.Layers > 0)
                    {
                        // Layer-streamed: every prompt goes through one layer before the next layer starts.
                        double layerRate = (p.LayersDone - p.LayersResumed + (double)p.LayerPromptsDone / Math.Max(1, p.Prompts)) / Math.Max(watch.Elapsed.TotalMinutes, 1e-9);
                        report(p.Fraction, 1, $"layer {Math.Min(p.LayersDone + 1, p.Layers)}/{p.Layers}, {p.LayerPromptsDone:N0}/{p.Prompts:N0} prompts, {layerRate:F2} layers/min");
                        return;
                    }
                    double rate = (p.PromptsDone - p.PromptsResumed) / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
                    report(p.PromptsDone, p.Prompts, $"{p.PromptsDone:N0}/{p.Prompts:N0} prompts, {rate:F1} prompts/s");
                }), token),
                cancel.Token);
            shards.Remove();
            double seconds = watch.Elapsed.TotalSeconds;
            var summary = new RecordSummary(Path.GetFullPath(outDir), manifest.Model ?? "", manifest.Units, Format(manifest.Pooling), manifest.Dtype,
                manifest.Prompts, resumed, manifest.Layers, manifest.UnitSpace().TotalUnits, manifest.Taps, Math.Round(seconds, 3),
                Math.Round((done - resumed) / Math.Max(seconds, 1e-9), 2), options.StreamLayers, layersResumed);
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Console.WriteLine($"recorded {summary.UnitsTotal:N0} units ({summary.Units}, {summary.Pooling} pooling, {summary.Dtype}) × {summary.Prompts:N0} prompts" +
                (resumed > 0 ? $" ({resumed:N0} from an earlier run)" : "") +
                (layersResumed > 0 ? $" (layers 0-{layersResumed - 1} from an earlier run)" : "") + $" in {seconds:F1} s ({summary.PromptsPerSecond:F1} prompts/s); wrote {summary.Out}");
            return 0;
        }));
        return command;
    }

    private static string PromptsPath(string path) =>
        Directory.Exists(path) ? Path.Combine(path, PromptFile.IdentificationFileName) : path;


    internal static Pooling ParsePooling(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mean" => Pooling.Mean,
        "mean-excluding-bos" or "mean_excluding_bos" => Pooling.MeanExcludingBos,
        "max" => Pooling.Max,
        "last" => Pooling.Last,
        _ => throw new UserInputException($"--pooling '{text}' is not one of: mean, mean-excluding-bos, max, last"),
    };

    private static string Format(Pooling pooling) => pooling switch
    {
        Pooling.MeanExcludingBos => "mean-excluding-bos",
        _ => pooling.ToString().ToLowerInvariant(),
    };

    private static SafetensorsDtype ParseDtype(string text) => text.Trim().ToLowerInvariant() switch
    {
        "f32" or "float32" => SafetensorsDtype.F32,
        "f16" or "float16" => SafetensorsDtype.F16,
        _ => throw new UserInputException($"--dtype '{text}' is not one of: f32, f16"),
    };
}
