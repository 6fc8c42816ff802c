using System.Diagnostics;
using System.Text.Json;
using RelationNeurons.Data;
using RelationNeurons.IO;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Randomness;
using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.Training;

namespace RelationNeurons.Training;

/// <summary>Everything `relneurons train` decides: the data, the architecture, the schedule, the output.</summary>
public sealed record TrainingRunOptions
{
    public required string RelationsPath { get; init; }
    public required string OutputFolder { get; init; }
    public int Layers { get; init; } = 4;
    public int Hidden { get; init; } = 256;
    public int Heads { get; init; } = 8;
    public int KeyValueHeads { get; init; } = 4;
    public int Intermediate { get; init; } = 1024;
    /// <summary>
    /// Facts besides the test facts taught per relation whose file fixes the split (the paper set:
    /// P^eva in every language plus this many detection facts); null = all. See <see cref="TrainingRun.ToFactRelations"/>.
    /// </summary>
    public int? DetectionFactsPerRelation { get; init; } = 250;
    /// <summary>Size of the BPE vocabulary trained on the corpus.</summary>
    public int Vocab { get; init; } = 4096;
    public TrainerOptions Trainer { get; init; } = new();
    public CorpusOptions Corpus { get; init; } = new();
    /// <summary>Loss weight of answer tokens in fact statements (others weigh 1).</summary>
    public float AnswerWeight { get; init; } = 4f;
    public SafetensorsDtype Dtype { get; init; } = SafetensorsDtype.BF16;
    /// <summary>Continue from the checkpoint in the output folder when there is one.</summary>
    public bool Resume { get; init; }
    public int CheckpointEvery { get; init; } = 250;
    /// <summary>Keep the (large) resumable checkpoint after the model is exported.</summary>
    public bool KeepCheckpoint { get; init; }
}

/// <summary>What a finished run reports (also written as training_summary.json beside the model).</summary>
public sealed record TrainingSummary(
    string Architecture, long Parameters, int VocabSize, long Steps, int BatchSize, double PeakLearningRate, ulong Seed,
    int Sequences, long CorpusTokens, int DroppedSequences, double? FinalLoss, double TokensPerSecond, double WallSeconds, double CpuSeconds,
    IReadOnlyDictionary<string, int> DocumentsByKind);

/// <summary>
/// One training run end to end: relations → training text → BPE tokenizer (saved first, and
/// read back through the ordinary loader, so the model is trained on exactly what ships) →
/// sequences → trainer with periodic atomic checkpoints → Hugging Face checkpoint folder.
/// Interrupting (cancellation) saves a checkpoint; the same call with <c>Resume</c> continues.
/// </summary>
public static class TrainingRun
{
    public const string CheckpointFile = "training.ckpt";
    public const string SummaryFile = "training_summary.json";
    /// <summary>
    /// The training text as it was taught, one JSON object per line (<c>{"kind": …, "text": …}</c>),
    /// kept beside the model: the corpus whose fact frequencies App E counts.
    /// </summary>
    public const string CorpusFile = Analysis.CooccurrenceCounter.ModelCorpusFile;

    public sealed record Prepared(LlamaConfig Config, ITokenizer Tokenizer, List<CorpusDocument> Documents, CorpusEncoder.Result Encoded);

    /// <summary>Builds the corpus and tokenizer (reusing the tokenizer in the output folder when resuming).</summary>
    public static Prepared Prepare(TrainingRunOptions o)
    {
        Validate(o);
        var set = RelationReader.Load(o.RelationsPath);
        var relations = ToFactRelations(set, o.DetectionFactsPerRelation, o.Trainer.Seed);
        var docs = CorpusBuilder.Build(relations, o.Corpus);
        Directory.CreateDirectory(o.OutputFolder);
        WriteCorpus(Path.Combine(o.OutputFolder, CorpusFile), docs);
        string tokenizerJson = Path.Combine(o.OutputFolder, TokenizerLoader.TokenizerJson);
        bool reuse = o.Resume && File.Exists(Path.Combine(o.OutputFolder, CheckpointFile)) && File.Exists(tokenizerJson);
        if (!reuse)
        {
            var spm = BpeTrainer.Train(docs.Select(d => d.Text), o.Vocab);
            SentencePieceStyleTokenizerWriter.Write(spm, o.OutputFolder, o.Trainer.MaxSequenceLength);
        }
        var tokenizer = TokenizerLoader.Load(o.OutputFolder);
        var config = new LlamaConfig
        {
            HiddenSize = o.Hidden,
            IntermediateSize = o.Intermediate,
            NumHiddenLayers = o.Layers,
            NumAttentionHeads = o.Heads,
            NumKeyValueHeads = o.KeyValueHeads,
            VocabSize = tokenizer.VocabSize,
            MaxPositionEmbeddings = o.Trainer.MaxSequenceLength,
            RmsNormEps = 1e-5,
            RopeTheta = 10000.0,
            BosTokenId = tokenizer.BosId,
            EosTokenIds = tokenizer.EosIds.ToArray(),
        };
        var encoded = CorpusEncoder.Encode(docs, tokenizer, o.Trainer.MaxSequenceLength, o.AnswerWeight);
        if (encoded.Sequences.Count == 0) throw new UserInputException($"{o.RelationsPath}: no training sequence fits in {o.Trainer.MaxSequenceLength} tokens");
        return new Prepared(config, tokenizer, docs, encoded);
    }

    /// <summary>
    /// What the model is taught of each relation: every template (the prompt templates and the
    /// alternative ones, each with the prompt suffix, so statements read as the prompts do) and
    /// its facts. Where the file fixes a test split (the paper's P^eva), all test facts and at most
    /// <paramref name="detectionFactsPerRelation"/> others, drawn by a seeded shuffle of their ids
    /// per relation; the model then knows a known share of the detection facts, and validation
    /// has something to keep and something to drop. Without a fixed split, every fact.
    /// </summary>
    public static IReadOnlyList<FactRelation> ToFactRelations(RelationSet set, int? detectionFactsPerRelation = null, ulong seed = 1) =>
        set.All.Select(r => new FactRelation(r.Id, r.Language,
                r.PromptTemplates.Concat(r.AlternativeTemplates).Select(t => t + r.PromptSuffix).ToArray(),
                TaughtSamples(r, detectionFactsPerRelation, seed).Select(s => new Fact(s.Subject, s.Object)).ToArray()))
            .ToArray();

    private static IEnumerable<RelationSample> TaughtSamples(Relation relation, int? detectionFactsPerRelation, ulong seed)
    {
        var test = relation.FixedTestFacts;
        if (test is null || detectionFactsPerRelation is not int limit) return relation.Samples;
        var detectionIds = relation.Samples.Where(s => !test.Contains(s.Id)).Select(s => s.Id)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        SplitMix64.ForStream(seed, "taught-detection-facts/" + relation.Id).Shuffle(detectionIds.AsSpan());
        var taught = detectionIds.Take(limit).Concat(test).ToHashSet(StringComparer.Ordinal);
        return relation.Samples.Where(s => taught.Contains(s.Id));
    }

    public static TrainingSummary Run(TrainingRunOptions o, Prepared prepared, Action<StepReport, Trainer>? onStep = null, CancellationToken cancel = default)
    {
        var trainer = new Trainer(prepared.Config, o.Trainer, prepared.Encoded.Sequences);
        string checkpoint = Path.Combine(o.OutputFolder, CheckpointFile);
        if (o.Resume && File.Exists(checkpoint)) Checkpoint.Load(checkpoint, trainer);

        var clock = Stopwatch.StartNew();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long tokens = 0;
        var recent = new Queue<double>();
        while (!trainer.Done)
        {
            if (cancel.IsCancellationRequested)
            {
                Checkpoint.Save(checkpoint, trainer);
                cancel.ThrowIfCancellationRequested();
            }
            var report = trainer.TrainStep();
            tokens += report.Tokens;
            recent.Enqueue(report.Loss);
            if (recent.Count > 50) recent.Dequeue();
            onStep?.Invoke(report, trainer);
            if (o.CheckpointEvery > 0 && trainer.Step % o.CheckpointEvery == 0 && !trainer.Done) Checkpoint.Save(checkpoint, trainer);
        }
        double seconds = clock.Elapsed.TotalSeconds;

        var summary = new TrainingSummary(
            $"{o.Layers} layers, hidden {o.Hidden}, {o.Heads} heads / {o.KeyValueHeads} kv heads, intermediate {o.Intermediate}, vocab {prepared.Config.VocabSize}",
            trainer.Parameters.Count, prepared.Config.VocabSize, trainer.Step, o.Trainer.BatchSize, o.Trainer.LearningRate, o.Trainer.Seed,
            prepared.Encoded.Sequences.Count, prepared.Encoded.Tokens, prepared.Encoded.Dropped,
            recent.Count > 0 ? recent.Average() : null, tokens / Math.Max(seconds, 1e-9), seconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds,
            prepared.Documents.GroupBy(d => d.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
        ModelExporter.Save(o.OutputFolder, trainer.Parameters, o.Dtype, new Dictionary<string, string> { ["trained_by"] = "relneurons train", ["seed"] = o.Trainer.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        AtomicFile.WriteAllText(Path.Combine(o.OutputFolder, SummaryFile),
            JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) + "\n");
        if (o.KeepCheckpoint) Checkpoint.Save(checkpoint, trainer);
        else if (File.Exists(checkpoint)) File.Delete(checkpoint);
        return summary;
    }

    private static void WriteCorpus(string path, IReadOnlyList<CorpusDocument> docs) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            foreach (var d in docs)
                writer.WriteLine(JsonSerializer.Serialize(new { kind = d.Kind, text = d.Text }, CorpusJson));
        });

    private static readonly JsonSerializerOptions CorpusJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Checks the options a user gives before any work or output.</summary>
    public static void Validate(TrainingRunOptions o)
    {
        if (o.Heads % o.KeyValueHeads != 0) throw new UserInputException($"--heads ({o.Heads}) must be a multiple of --kv-heads ({o.KeyValueHeads})");
        if (o.Hidden % o.Heads != 0 || o.Hidden / o.Heads % 2 != 0) throw new UserInputException($"--hidden ({o.Hidden}) / --heads ({o.Heads}) must be an even whole number (the RoPE head dimension)");
        if (o.Vocab < BpeTrainer.ReservedCount + 1) throw new UserInputException($"--vocab ({o.Vocab}) must be more than the {BpeTrainer.ReservedCount} reserved pieces");
        if (o.Trainer.MaxSequenceLength < 2) throw new UserInputException("the maximum sequence length must be at least 2");
    }
}
