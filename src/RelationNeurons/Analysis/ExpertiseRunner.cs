using System.Globalization;
using System.Text;
using RelationNeurons.IO;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Method;

namespace RelationNeurons.Analysis;

public sealed record ExpertiseOptions
{
    public NegativeScope Scope { get; init; } = NegativeScope.SameLanguage;
    /// <summary>Rows of each task's top-units CSV; 0 writes no CSV.</summary>
    public int TopCsv { get; init; } = 100;
    public int MaxThreads { get; init; } = -1;
    /// <summary>Only these relations' files are written (all are still used as negatives); null: all.</summary>
    public IReadOnlyList<string>? Relations { get; init; }
    /// <summary>A relation's negatives: a seeded sample of <see cref="NegativesPerPositive"/> × its positives (the paper's), or all.</summary>
    public NegativeSampling Negatives { get; init; } = Protocol.Paper.Negatives;
    public int NegativesPerPositive { get; init; } = Protocol.Paper.NegativesPerPositive;
    /// <summary>Seed of the negative samples (each task draws from its own stream).</summary>
    public ulong Seed { get; init; }
}

/// <summary>Where scoring is: layers finished out of all.</summary>
public readonly record struct ExpertiseProgress(int LayersDone, int Layers, long UnitsDone, long Units);

/// <summary>
/// Scores a record folder layer by layer: one layer file is mapped, each of its tap tensors is
/// scored straight from the mapping (float16 stays float16 on disk), the results are kept as
/// float32 [layers × width] per task and tap, and the file is released before the next layer.
/// Memory is the results (tasks × units × 12 bytes) plus a few MB per thread.
/// </summary>
public static class ExpertiseRunner
{
    public static ExpertiseManifest Run(string recordDirectory, string outputDirectory, ExpertiseOptions? options = null,
        IProgress<ExpertiseProgress>? progress = null, CancellationToken cancel = default)
    {
        var job = new Job(recordDirectory, options ?? new ExpertiseOptions());
        var results = job.NewResults();
        job.ScoreLayers(results, 0, job.Units.Layers, progress, cancel);
        return job.Write(results, outputDirectory);
    }

    /// <summary>
    /// One shard's share of the layers (a contiguous range), scored exactly as <see cref="Run"/>
    /// scores them and saved to <paramref name="partFile"/> (safetensors: per task and tap, the rows
    /// of those layers). Returns the layers (first, count) out of all.
    /// </summary>
    public static (int FirstLayer, int Layers, int TotalLayers) RunShard(string recordDirectory, string partFile, Shard shard, ExpertiseOptions? options = null,
        IProgress<ExpertiseProgress>? progress = null, CancellationToken cancel = default)
    {
        var job = new Job(recordDirectory, options ?? new ExpertiseOptions());
        var (first, count) = shard.Range(job.Units.Layers);
        var results = job.NewResults();
        job.ScoreLayers(results, first, count, progress, cancel);
        job.SavePart(partFile, results, first, count);
        return (first, count, job.Units.Layers);
    }

    /// <summary>
    /// The expertise folder from the shards' part files (each with its first layer and layer
    /// count, together covering every layer): the files <see cref="Run"/> writes, byte for byte.
    /// </summary>
    public static ExpertiseManifest Merge(string recordDirectory, string outputDirectory, IReadOnlyList<(string File, int FirstLayer, int Layers)> parts,
        ExpertiseOptions? options = null)
    {
        var job = new Job(recordDirectory, options ?? new ExpertiseOptions());
        var results = job.NewResults();
        var covered = new bool[job.Units.Layers];
        foreach (var (file, first, count) in parts)
        {
            job.LoadPart(file, results, first, count);
            for (int l = first; l < first + count; l++) covered[l] = true;
        }
        if (Array.IndexOf(covered, false) is var gap and >= 0)
            throw new UserInputException($"no expertise part holds layer {gap}; run the shard that covers it again");
        return job.Write(results, outputDirectory);
    }

    /// <summary>What scoring a record needs, made once: the record, the tasks, their negative samples.</summary>
    private sealed class Job
    {
        private readonly string _recordDirectory;
        private readonly ExpertiseOptions _options;
        private readonly RecordFolder _record;
        private readonly ScoringPlan _plan;
        private readonly int[] _selected;
        private readonly NegativeSample[]? _samples;

        public Job(string recordDirectory, ExpertiseOptions options)
        {
            _recordDirectory = recordDirectory;
            _options = options;
            _record = RecordFolder.Open(recordDirectory);
            _plan = ScoringPlan.Create(_record.Labels, options.Scope);
            _selected = SelectTasks(_plan, options.Relations);
            // With sampled negatives every task is scored over its own prompts (positives + its sample).
            _samples = options.Negatives == NegativeSampling.Sampled
                ? _selected.Select(t => NegativeSample.Draw(_plan, _record.Labels, t, options.NegativesPerPositive, options.Seed)).ToArray()
                : null;
        }

        public UnitSpace Units => _record.Units;

        /// <summary>results[task][tap] = (ap, medianPos, medianNeg), each [layers × width].</summary>
        public TaskTapResult[][] NewResults() => _selected.Select(_ => Units.Taps.Select(t => new TaskTapResult(Units.Layers * t.Width)).ToArray()).ToArray();

        /// <summary>Scores layers [first, first + count) into <paramref name="results"/>, one layer file mapped at a time.</summary>
        public void ScoreLayers(TaskTapResult[][] results, int firstLayer, int layers, IProgress<ExpertiseProgress>? progress, CancellationToken cancel)
        {
            var units = Units;
            long done = 0, total = layers * units.Taps.Sum(t => (long)t.Width);
            for (int layer = firstLayer; layer < firstLayer + layers; layer++)
            {
                cancel.ThrowIfCancellationRequested();
                using var file = _record.OpenLayer(layer);
                for (int k = 0; k < units.Taps.Count; k++)
                {
                    int width = units.Taps[k].Width;
                    int tap = k, l = layer;
                    string Name(int i) => units.Neuron(tap, l, i).ToString();
                    var columns = _record.Columns(file, k, layer);
                    ExpertiseScores? shared = null;
                    if (_samples is null)
                    {
                        shared = new ExpertiseScores(_plan.Tasks, width);
                        ExpertiseScorer.ScoreInto(columns, _plan, shared, _options.MaxThreads, Name);
                    }
                    for (int s = 0; s < _selected.Length; s++)
                    {
                        var (scores, t) = shared is not null ? (shared, _selected[s]) : (Score(columns, _samples![s], width, _options.MaxThreads, Name), _samples![s].Task);
                        var target = results[s][k];
                        var ap = scores.ApOf(t);
                        for (int i = 0; i < width; i++) target.Ap[layer * width + i] = (float)ap[i];
                        scores.MedianPositiveOf(t).CopyTo(target.MedianPositive.AsSpan(layer * width, width));
                        scores.MedianNegativeOf(t).CopyTo(target.MedianNegative.AsSpan(layer * width, width));
                    }
                    done += width;
                }
                progress?.Report(new ExpertiseProgress(layer - firstLayer + 1, layers, done, total));
            }
        }

        private static string PartTensor(int task, string kind, TapWidth tap) => $"{task}.{kind}.{tap.Suffix}";

        /// <summary>Every result array by its name in a part file, with its row width.</summary>
        private IEnumerable<(string Name, float[] Values, int Width)> PartTensors(TaskTapResult[][] results)
        {
            for (int s = 0; s < _selected.Length; s++)
                for (int k = 0; k < Units.Taps.Count; k++)
                {
                    var tap = Units.Taps[k];
                    yield return (PartTensor(s, "ap", tap), results[s][k].Ap, tap.Width);
                    yield return (PartTensor(s, "median_pos", tap), results[s][k].MedianPositive, tap.Width);
                    yield return (PartTensor(s, "median_neg", tap), results[s][k].MedianNegative, tap.Width);
                }
        }

        /// <summary>The rows of layers [first, first + count) of every result array; an empty share writes a file without tensors.</summary>
        public void SavePart(string path, TaskTapResult[][] results, int first, int count)
        {
            var writer = new SafetensorsWriter()
                .AddMetadata("first_layer", first.ToString(CultureInfo.InvariantCulture))
                .AddMetadata("layers", count.ToString(CultureInfo.InvariantCulture));
            if (count > 0)
                foreach (var (name, values, width) in PartTensors(results))
                    writer.AddF32(name, values.AsSpan(first * width, count * width), count, width);
            writer.Save(path);
        }

        public void LoadPart(string path, TaskTapResult[][] results, int first, int count)
        {
            if (count == 0) return;
            if (!File.Exists(path)) throw new UserInputException($"{path}: the shard's expertise part is missing; run that shard again");
            using var file = SafetensorsFile.Open(path);
            foreach (var (name, values, width) in PartTensors(results))
            {
                var rows = file.ReadFloat32(name);
                if (rows.Length != count * width)
                    throw new UserInputException($"{path}: tensor '{name}' holds {rows.Length} values, expected {count} layers × {width}; run that shard again");
                rows.CopyTo(values.AsSpan(first * width));
            }
        }

        /// <summary>The expertise folder's files from complete results, whoever scored them (one process or merged shards).</summary>
        public ExpertiseManifest Write(TaskTapResult[][] results, string outputDirectory)
        {
            var (units, plan, selected, samples, options, record, recordDirectory) = (Units, _plan, _selected, _samples, _options, _record, _recordDirectory);
                Directory.CreateDirectory(outputDirectory);
                var entries = new List<ExpertiseTaskEntry>();
                var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (int s = 0; s < selected.Length; s++)
                {
                    var task = samples is null ? plan.Tasks[selected[s]] : plan.Tasks[selected[s]] with { Negatives = samples[s].Negatives.Length };
                    string stem = ExpertiseManifest.FileStem(task.Name);
                    if (!stems.Add(stem)) throw new UserInputException($"relation names '{task.Name}' and another map to the same file name '{stem}'");
                    var writer = new SafetensorsWriter()
                        .AddMetadata("format", ExpertiseManifest.FormatName)
                        .AddMetadata("relation", task.Relation)
                        .AddMetadata("language", task.Language ?? "*")
                        .AddMetadata("positives", task.Positives.ToString(CultureInfo.InvariantCulture))
                        .AddMetadata("negatives", task.Negatives.ToString(CultureInfo.InvariantCulture));
                    for (int k = 0; k < units.Taps.Count; k++)
                    {
                        var tap = units.Taps[k];
                        var r = results[s][k];
                        writer.AddF32(ExpertiseManifest.ApTensor(tap), r.Ap, units.Layers, tap.Width);
                        writer.AddF32(ExpertiseManifest.MedianPositiveTensor(tap), r.MedianPositive, units.Layers, tap.Width);
                        writer.AddF32(ExpertiseManifest.MedianNegativeTensor(tap), r.MedianNegative, units.Layers, tap.Width);
                    }
                    string file = stem + ".safetensors";
                    writer.Save(Path.Combine(outputDirectory, file));

                    var top = TopUnits(units, results[s], Math.Max(options.TopCsv, 1));
                    string? csv = null;
                    if (options.TopCsv > 0)
                    {
                        csv = stem + ".top.csv";
                        WriteTopCsv(Path.Combine(outputDirectory, csv), units, results[s], top);
                    }
                    var (bt, bl, bi) = units.Decode(top[0]);
                    entries.Add(new ExpertiseTaskEntry
                    {
                        Name = task.Name, Relation = task.Relation, Language = task.Language,
                        Positives = task.Positives, Negatives = task.Negatives,
                        PositivePrompts = samples?[s].PositivePrompts, NegativePrompts = samples?[s].Negatives,
                        NegativesNote = samples?[s].Note,
                        File = file, TopCsv = csv,
                        BestUnit = units.Neuron(bt, bl, bi).ToString(),
                        BestAp = results[s][bt].Ap[bl * units.Taps[bt].Width + bi],
                    });
                }
                var manifest = new ExpertiseManifest
                {
                    Record = Path.GetFullPath(recordDirectory),
                    Model = record.Manifest.Model,
                    Units = record.Manifest.Units,
                    Taps = record.Manifest.Taps,
                    Widths = record.Manifest.Widths,
                    Layers = units.Layers,
                    TotalUnits = units.TotalUnits,
                    Prompts = record.Labels.Count,
                    Scope = options.Scope,
                    Negatives = options.Negatives == NegativeSampling.Sampled ? $"{options.NegativesPerPositive.ToString(CultureInfo.InvariantCulture)}x" : "all",
                    NegativeSeed = options.Seed,
                    Pooling = record.Manifest.Pooling,
                    Tasks = entries,
                };
                manifest.Save(outputDirectory);
                return manifest;
            }
    }

    /// <summary>One task scored alone over its own prompts (its positives and its sampled negatives).</summary>
    private static ExpertiseScores Score(ColumnSource columns, NegativeSample sample, int width, int maxThreads, Func<int, string> name)
    {
        var scores = new ExpertiseScores(sample.Plan.Tasks, width);
        ExpertiseScorer.ScoreInto(columns.Subset(sample.Rows), sample.Plan, scores, maxThreads, name);
        return scores;
    }

    private sealed class TaskTapResult(int size)
    {
        public readonly float[] Ap = new float[size];
        public readonly float[] MedianPositive = new float[size];
        public readonly float[] MedianNegative = new float[size];
    }

    private static int[] SelectTasks(ScoringPlan plan, IReadOnlyList<string>? relations)
    {
        if (relations is null || relations.Count == 0) return Enumerable.Range(0, plan.Tasks.Count).ToArray();
        var known = plan.Tasks.Select(t => t.Relation).Distinct().ToHashSet(StringComparer.Ordinal);
        foreach (string r in relations)
            if (!known.Contains(r))
                throw new UserInputException($"unknown relation '{r}'; the record has: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        return Enumerable.Range(0, plan.Tasks.Count).Where(t => relations.Contains(plan.Tasks[t].Relation)).ToArray();
    }

    /// <summary>The <paramref name="count"/> units with the highest AP, best first; ties in unit order.</summary>
    private static long[] TopUnits(UnitSpace units, TaskTapResult[] result, int count)
    {
        // Min-heap of the best so far: the root is the worst kept (lowest AP, then latest unit).
        var heap = new PriorityQueue<long, (float Ap, long Unit)>(Comparer<(float Ap, long Unit)>.Create(
            (a, b) => a.Ap != b.Ap ? a.Ap.CompareTo(b.Ap) : b.Unit.CompareTo(a.Unit)));
        for (int k = 0; k < units.Taps.Count; k++)
        {
            var ap = result[k].Ap;
            long offset = units.Offset(k, 0);
            for (int i = 0; i < ap.Length; i++)
            {
                if (heap.Count < count) { heap.Enqueue(offset + i, (ap[i], offset + i)); continue; }
                heap.TryPeek(out _, out var worst);
                if (ap[i] > worst.Ap) heap.EnqueueDequeue(offset + i, (ap[i], offset + i));
            }
        }
        var top = new long[heap.Count];
        for (int i = top.Length - 1; i >= 0; i--) top[i] = heap.Dequeue();
        return top;
    }

    private static void WriteTopCsv(string path, UnitSpace units, TaskTapResult[] result, long[] top)
    {
        var sb = new StringBuilder("rank,layer,tap,index,neuron,ap,median_pos,median_neg\n");
        for (int r = 0; r < top.Length; r++)
        {
            var (k, l, i) = units.Decode(top[r]);
            int at = l * units.Taps[k].Width + i;
            sb.Append(CultureInfo.InvariantCulture,
                $"{r + 1},{l},{units.Taps[k].Suffix},{i},{units.Neuron(k, l, i)},{Format(result[k].Ap[at])},{Format(result[k].MedianPositive[at])},{Format(result[k].MedianNegative[at])}\n");
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
