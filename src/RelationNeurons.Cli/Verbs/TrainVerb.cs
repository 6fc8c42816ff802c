using System.CommandLine;
using System.Globalization;
using RelationNeurons.Data;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Training;
using Spectre.Console;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons train`: trains a small Llama-architecture model on the built-in (or given)
/// relations and writes it in Hugging Face layout. The defaults reproduce models/relfacts-demo.
/// </summary>
internal static class TrainVerb
{
    public static Command Create()
    {
        var relations = new Option<string?>("--relations") { Description = RelationsVerb.RelationsOptionDescription };
        var output = new Option<string>("--out") { Description = "output model folder", DefaultValueFactory = _ => "models/relfacts-demo" };
        var defaults = new TrainingRunOptions { RelationsPath = "", OutputFolder = "" };
        var layers = new Option<int>("--layers") { Description = "decoder blocks", DefaultValueFactory = _ => defaults.Layers };
        var hidden = new Option<int>("--hidden") { Description = "hidden size", DefaultValueFactory = _ => defaults.Hidden };
        var heads = new Option<int>("--heads") { Description = "attention heads", DefaultValueFactory = _ => defaults.Heads };
        var kvHeads = new Option<int>("--kv-heads") { Description = "key/value heads (grouped-query attention)", DefaultValueFactory = _ => defaults.KeyValueHeads };
        var intermediate = new Option<int>("--intermediate") { Description = "MLP width (neurons per layer)", DefaultValueFactory = _ => defaults.Intermediate };
        var vocab = new Option<int>("--vocab") { Description = "BPE vocabulary size", DefaultValueFactory = _ => defaults.Vocab };
        var steps = new Option<int>("--steps") { Description = "optimizer updates", DefaultValueFactory = _ => defaults.Trainer.Steps };
        var batch = new Option<int>("--batch") { Description = "sequences per update", DefaultValueFactory = _ => defaults.Trainer.BatchSize };
        var lr = new Option<double>("--lr") { Description = "peak learning rate (linear warm-up, cosine decay to 10 %)", DefaultValueFactory = _ => defaults.Trainer.LearningRate };
        var warmup = new Option<int>("--warmup") { Description = "warm-up updates", DefaultValueFactory = _ => defaults.Trainer.WarmupSteps };
        var seed = new Option<ulong>("--seed") { Description = "seed of initialisation, batch order and corpus", DefaultValueFactory = _ => defaults.Trainer.Seed };
        var answerWeight = new Option<float>("--answer-weight") { Description = "loss weight of answer tokens in fact statements", DefaultValueFactory = _ => defaults.AnswerWeight };
        var dtype = new Option<string>("--dtype") { Description = "weight storage: f32 or bf16 (half the size, rounded weights)", DefaultValueFactory = _ => defaults.Dtype == SafetensorsDtype.BF16 ? "bf16" : "f32" };
        var resume = new Option<bool>("--resume") { Description = "continue from the checkpoint in --out" };
        var keep = new Option<bool>("--keep-checkpoint") { Description = "keep the resumable checkpoint after export" };
        var evalOnly = new Option<bool>("--eval-only") { Description = "do not train: measure the greedy recall of the model in --out on the test facts" };
        var noEval = new Option<bool>("--no-eval") { Description = "skip the recall measurement after training" };
        var prepareOnly = new Option<bool>("--prepare-only") { Description = "build the training text and tokenizer in --out, print their sizes, do not train" };
        var detectionFacts = new Option<int>("--detection-facts") { Description = "facts taught per relation besides the test facts, where the relation file fixes the split (the paper set); 0 = all", DefaultValueFactory = _ => defaults.DetectionFactsPerRelation ?? 0 };
        var command = new Command("train", "train a small Llama model on relation facts (the embedded demo model)")
        {
            relations, output, layers, hidden, heads, kvHeads, intermediate, vocab, steps, batch, lr, warmup, seed, answerWeight, dtype, resume, keep, evalOnly, noEval, prepareOnly, detectionFacts,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            int Positive(Option<int> o) => parse.GetValue(o) is var v && v > 0 ? v : throw new UserInputException($"{o.Name} must be positive, got {v}");
            var storage = parse.GetValue(dtype)!.ToLowerInvariant() switch
            {
                "bf16" or "bfloat16" => SafetensorsDtype.BF16,
                "f32" or "float32" => SafetensorsDtype.F32,
                var other => throw new UserInputException($"--dtype must be bf16 or f32, got '{other}'"),
            };
            double rate = parse.GetValue(lr);
            if (!(rate > 0)) throw new UserInputException($"--lr must be positive, got {rate}");
            var options = defaults with
            {
                RelationsPath = BuiltInPaths.ResolveRelations(parse.GetValue(relations)),
                OutputFolder = parse.GetValue(output)!,
                Layers = Positive(layers), Hidden = Positive(hidden), Heads = Positive(heads), KeyValueHeads = Positive(kvHeads),
                Intermediate = Positive(intermediate), Vocab = Positive(vocab),
                DetectionFactsPerRelation = parse.GetValue(detectionFacts) is var d && d > 0 ? d : d == 0 ? null : throw new UserInputException($"--detection-facts must be 0 (all) or positive, got {d}"),
                Trainer = defaults.Trainer with
                {
                    Steps = Positive(steps), BatchSize = Positive(batch), LearningRate = rate,
                    WarmupSteps = Math.Max(0, parse.GetValue(warmup)), Seed = parse.GetValue(seed),
                },
                Corpus = defaults.Corpus with { Seed = parse.GetValue(seed) },
                AnswerWeight = parse.GetValue(answerWeight),
                Dtype = storage,
                Resume = parse.GetValue(resume),
                KeepCheckpoint = parse.GetValue(keep),
            };
            if (parse.GetValue(evalOnly)) return Evaluate(options);
            if (parse.GetValue(prepareOnly)) return Prepare(options);
            int rc = Run(options, cancel);
            return parse.GetValue(noEval) ? rc : Evaluate(options);
        })));
        return command;
    }

    private static TrainingRun.Prepared PrepareAndDescribe(TrainingRunOptions options)
    {
        TrainingRun.Validate(options);
        var console = Consoles.Stderr();
        console.MarkupLine($"[grey]building the training text from {Markup.Escape(options.RelationsPath)} and the tokenizer (vocab {options.Vocab})…[/]");
        var prepared = TrainingRun.Prepare(options);
        console.MarkupLine($"[grey]{prepared.Encoded.Sequences.Count} sequences, {prepared.Encoded.Tokens} tokens ({prepared.Encoded.Dropped} longer than {options.Trainer.MaxSequenceLength} dropped); vocabulary {prepared.Config.VocabSize}; " +
            $"documents: {string.Join(", ", prepared.Documents.GroupBy(d => d.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}[/]");
        return prepared;
    }

    private static int Prepare(TrainingRunOptions options)
    {
        PrepareAndDescribe(options);
        return 0;
    }

    private static int Run(TrainingRunOptions options, CancellationToken cancel)
    {
        var console = Consoles.Stderr();
        var prepared = PrepareAndDescribe(options);

        TrainingSummary summary;
        bool interactive = !Console.IsErrorRedirected;
        if (interactive)
        {
            summary = null!;
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: options.Trainer.Steps);
                    var rate = new ThroughputMeter();
                    summary = TrainingRun.Run(options, prepared, (r, t) =>
                    {
                        rate.Add(r.Tokens, r.Seconds);
                        task.Value = r.Step;
                        task.Description = $"step {r.Step} loss {r.Loss:F3} {rate.TokensPerSecond:F0} tok/s";
                    }, cancel);
                });
        }
        else
        {
            // redirected (e.g. nohup to a log): one plain line every 25 updates
            var rate = new ThroughputMeter();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long firstStep = -1;
            summary = TrainingRun.Run(options, prepared, (r, t) =>
            {
                rate.Add(r.Tokens, r.Seconds);
                if (firstStep < 0)
                {
                    firstStep = r.Step - 1;
                    if (firstStep > 0) Console.Error.WriteLine($"resumed after step {firstStep}");
                }
                if (r.Step % 25 != 0 && r.Step != t.Options.Steps) return;
                double eta = (t.Options.Steps - r.Step) * clock.Elapsed.TotalSeconds / Math.Max(1, r.Step - firstStep);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {r.Step}/{t.Options.Steps} loss {r.Loss:F4} grad-norm {r.GradNorm:F2} lr {r.LearningRate:G3} {rate.TokensPerSecond:F0} tok/s elapsed {clock.Elapsed:hh\\:mm\\:ss} eta {TimeSpan.FromSeconds(eta):hh\\:mm\\:ss}"));
            }, cancel);
        }
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[green]done[/]: {summary.Steps} steps, final loss {(summary.FinalLoss is double loss ? loss.ToString("F4", CultureInfo.InvariantCulture) : "- (no update run: the checkpoint was already at --steps)")}, {summary.TokensPerSecond:F0} tok/s, {TimeSpan.FromSeconds(summary.WallSeconds):hh\\:mm\\:ss}; model in {Markup.Escape(options.OutputFolder)}"));
        return 0;
    }

    /// <summary>Loads the saved model through the engine and prints recall per relation and language (Markdown on stdout, also recall.json).</summary>
    private static int Evaluate(TrainingRunOptions options)
    {
        using var model = Inference.LlamaModel.Load(options.OutputFolder);
        var tokenizer = Tokenization.TokenizerLoader.Load(options.OutputFolder, model.Config.BosTokenId, model.Config.EosTokenIds);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var scores = RecallEvaluator.Evaluate(model, tokenizer, RelationReader.Load(options.RelationsPath));
        var languages = scores.Select(s => s.Language).Distinct().ToArray();
        var table = new System.Text.StringBuilder();
        table.AppendLine("| relation | " + string.Join(" | ", languages) + " |");
        table.AppendLine("|---|" + string.Concat(languages.Select(_ => "---|")));
        foreach (var rel in scores.Select(s => s.Relation).Distinct())
            table.AppendLine($"| {rel} | " + string.Join(" | ", languages.Select(l => scores.FirstOrDefault(s => s.Relation == rel && s.Language == l) is { } x ? Cell(x) : "–")) + " |");
        var byLang = RecallEvaluator.ByLanguage(scores);
        table.AppendLine("| **all** | " + string.Join(" | ", languages.Select(l => "**" + Cell(byLang[l]) + "**")) + " |");
        Console.Out.Write(table.ToString());
        Console.Error.WriteLine($"recall measured on {scores.Sum(s => s.Total)} test prompts in {clock.Elapsed.TotalSeconds:F0} s");
        IO.AtomicFile.WriteAllText(Path.Combine(options.OutputFolder, "recall.json"),
            System.Text.Json.JsonSerializer.Serialize(scores.Select(s => new { relation = s.Relation, language = s.Language, correct = s.Correct, total = s.Total }),
                new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return 0;

        static string Cell(RecallScore s) => string.Create(CultureInfo.InvariantCulture, $"{100.0 * s.Correct / s.Total:F1} % ({s.Correct}/{s.Total})");
    }

    /// <summary>Tokens per second over the last few updates.</summary>
    private sealed class ThroughputMeter
    {
        private readonly Queue<(int Tokens, double Seconds)> _window = new();
        public void Add(int tokens, double seconds) { _window.Enqueue((tokens, seconds)); if (_window.Count > 20) _window.Dequeue(); }
        public double TokensPerSecond => _window.Sum(w => w.Seconds) is var s && s > 0 ? _window.Sum(w => w.Tokens) / s : 0;
    }
}
