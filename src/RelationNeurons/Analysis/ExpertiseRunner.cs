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
        options ??= new ExpertiseOptions();
        var record = RecordFolder.Open(recordDirectory);
        var plan = ScoringPlan.Create(record.Labels, options.Scope);
        var units = record.Units;
        int[] selected = SelectTasks(plan, options.Relations);

        // With sampled negatives every task is scored over its own prompts (positives + its sample).
        var samples = options.Negatives == NegativeSampling.Sampled
            ? selected.Select(t => NegativeSample.Draw(plan, record.Labels, t, options.NegativesPerPositive, options.Seed)).ToArray()
            : null;
        // results[task][tap] = (ap, medianPos, medianNeg), each [layers × width]
        var results = selected.Select(_ => units.Taps.Select(t => new TaskTapResult(units.Layers * t.Width)).ToArray()).ToArray();
        long done = 0;
        for (int layer = 0; layer < units.Layers; layer++)
        {
            cancel.ThrowIfCancellationRequested();
            using var file = record.OpenLayer(layer);
            for (int k = 0; k < units.Taps.Count; k++)
            {
                int width = units.Taps[k].Width;
                int tap = k, l = layer;
                string Name(int i) => units.Neuron(tap, l, i).ToString();
                var columns = record.Columns(file, k, layer);
                ExpertiseScores? shared = null;
                if (samples is null)
                {
                    shared = new ExpertiseScores(plan.Tasks, width);
                    ExpertiseScorer.ScoreInto(columns, plan, shared, options.MaxThreads, Name);
                }
                for (int s = 0; s < selected.Length; s++)
                {
                    var (scores, t) = shared is not null ? (shared, selected[s]) : (Score(columns, samples![s], width, options.MaxThreads, Name), samples![s].Task);
                    var target = results[s][k];
                    var ap = scores.ApOf(t);
                    for (int i = 0; i < width; i++) target.Ap[layer * width + i] = (float)ap[i];
                    scores.MedianPositiveOf(t).CopyTo(target.MedianPositive.AsSpan(layer * width, width));
                    scores.MedianNegativeOf(t).CopyTo(target.MedianNegative.AsSpan(layer * width, width));
                }
                done += width;
            }
            progress?.Report(new ExpertiseProgress(layer + 1, units.Layers, done, units.TotalUnits));
        }

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
