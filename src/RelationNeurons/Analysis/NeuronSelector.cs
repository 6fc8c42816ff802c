using RelationNeurons.Data;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Randomness;

namespace RelationNeurons.Analysis;

public sealed record SelectionOptions
{
    /// <summary>
    /// The paper's N = 6000 of Llama-2-7B's 1,359,872 linear-projection units (about 0.44 %),
    /// used as a share so that the default scales to any model and unit set.
    /// </summary>
    public const double PaperFraction = 6000.0 / 1_359_872;

    public SelectionMode Mode { get; init; } = SelectionMode.Both;
    /// <summary>N as a count; wins over <see cref="Fraction"/>.</summary>
    public long? Count { get; init; }
    /// <summary>N as a share of all units (default <see cref="PaperFraction"/>).</summary>
    public double? Fraction { get; init; }
    /// <summary>Random baseline sets per task.</summary>
    public int RandomSeeds { get; init; } = 3;
    public ulong Seed { get; init; }

    public long ResolveCount(long totalUnits)
    {
        if (Count is long c)
        {
            if (c <= 0) throw new UserInputException($"--count must be positive, got {c}");
            if (c > totalUnits) throw new UserInputException($"--count {c} exceeds the {totalUnits} units scored");
            return c;
        }
        double f = Fraction ?? PaperFraction;
        if (!(f > 0 && f <= 1)) throw new UserInputException($"--fraction must be in (0, 1], got {f}");
        return Math.Max(1, (long)Math.Round(f * totalUnits, MidpointRounding.AwayFromZero));
    }
}

/// <summary>One task's AP and medians over the whole unit space, in unit order.</summary>
public sealed record TaskExpertise(ExpertiseTaskEntry Task, float[] Ap, float[] MedianPositive, float[] MedianNegative);

/// <summary>
/// Neuron sets from expertise: rank every unit by AP (descending; ties in unit order), take the
/// top, bottom or both ends, draw layer- and tap-matched random baselines (SplitMix64, one stream
/// per task and seed index), and compare the tasks' sets.
/// </summary>
public static class NeuronSelector
{
    public static NeuronSets SelectFromFolder(string expertiseDirectory, SelectionOptions options, IReadOnlyList<string>? relations = null)
    {
        var manifest = ExpertiseManifest.Load(expertiseDirectory);
        var units = manifest.UnitSpace();
        var entries = manifest.Tasks.ToList();
        if (relations is { Count: > 0 })
        {
            foreach (string r in relations)
                if (!entries.Any(e => e.Name == r || e.Relation == r))
                    throw new UserInputException($"unknown relation '{r}'; {expertiseDirectory} has: {string.Join(", ", entries.Select(e => e.Name))}");
            entries = entries.Where(e => relations.Contains(e.Name) || relations.Contains(e.Relation)).ToList();
        }
        var tasks = entries.Select(e => Load(expertiseDirectory, e, units)).ToList();
        return Select(units, tasks, options) with
        {
            Expertise = Path.GetFullPath(expertiseDirectory),
            Model = manifest.Model,
            Units = manifest.Units,
        };
    }

    /// <summary>Reads one task file into unit-order arrays.</summary>
    public static TaskExpertise Load(string directory, ExpertiseTaskEntry entry, UnitSpace units)
    {
        using var file = SafetensorsFile.Open(Path.Combine(directory, entry.File));
        var ap = new float[units.TotalUnits];
        var pos = new float[units.TotalUnits];
        var neg = new float[units.TotalUnits];
        for (int k = 0; k < units.Taps.Count; k++)
        {
            var tap = units.Taps[k];
            int offset = (int)units.Offset(k, 0), size = units.Layers * tap.Width;
            Read(file, ExpertiseManifest.ApTensor(tap), ap.AsSpan(offset, size), units.Layers, tap.Width);
            Read(file, ExpertiseManifest.MedianPositiveTensor(tap), pos.AsSpan(offset, size), units.Layers, tap.Width);
            Read(file, ExpertiseManifest.MedianNegativeTensor(tap), neg.AsSpan(offset, size), units.Layers, tap.Width);
        }
        return new TaskExpertise(entry, ap, pos, neg);
    }

    private static void Read(SafetensorsFile file, string name, Span<float> destination, int layers, int width)
    {
        var info = file.Get(name);
        if (info.Shape.Length != 2 || info.Shape[0] != layers || info.Shape[1] != width)
            throw new UserInputException($"{file.Path}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}], expected [{layers}, {width}]");
        file.CopyAsFloat32(info, destination);
    }

    public static NeuronSets Select(UnitSpace units, IReadOnlyList<TaskExpertise> tasks, SelectionOptions options)
    {
        if (tasks.Count == 0) throw new UserInputException("no relations to select neurons for");
        if (options.RandomSeeds < 0) throw new UserInputException($"--random-seeds must be ≥ 0, got {options.RandomSeeds}");
        if (units.TotalUnits > uint.MaxValue) throw new UserInputException($"{units.TotalUnits} units exceed the 2^32 a ranking can index");
        long n = options.ResolveCount(units.TotalUnits);
        long top = options.Mode switch { SelectionMode.Top => n, SelectionMode.Bottom => 0, _ => n - n / 2 };
        long bottom = n - top;

        var sets = new List<RelationNeuronSet>();
        var chosen = new List<long[]>();
        foreach (var task in tasks)
        {
            if (task.Ap.LongLength != units.TotalUnits)
                throw new UserInputException($"relation '{task.Task.Name}': {task.Ap.LongLength} AP values for {units.TotalUnits} units");
            long[] ranked = Rank(task.Ap);
            var picks = new List<(long Unit, string End)>();
            for (long i = 0; i < top; i++) picks.Add((ranked[i], "top"));
            for (long i = 0; i < bottom; i++) picks.Add((ranked[ranked.LongLength - 1 - i], "bottom"));
            chosen.Add(picks.Select(p => p.Unit).Order().ToArray());

            var selected = picks.Select(p =>
            {
                var (k, l, i) = units.Decode(p.Unit);
                return new SelectedUnit(l, units.Taps[k].Suffix, i, units.Neuron(k, l, i).ToString(),
                    task.Ap[p.Unit], task.MedianPositive[p.Unit], task.MedianNegative[p.Unit], p.End);
            }).ToList();
            var perTapLayer = CountPerTapLayer(units, chosen[^1]);
            var randoms = new List<RandomSet>();
            for (int s = 0; s < options.RandomSeeds; s++)
            {
                ulong seed = SplitMix64.ForStream(options.Seed, $"random/{task.Task.Name}/{s}").NextUInt64();
                randoms.Add(new RandomSet(seed, DrawRandom(units, perTapLayer, seed)));
            }
            sets.Add(new RelationNeuronSet
            {
                Name = task.Task.Name, Relation = task.Task.Relation, Language = task.Task.Language,
                Units = selected,
                PerLayer = Enumerable.Range(0, units.Layers).Select(l => perTapLayer.Sum(t => t[l])).ToList(),
                PerTapLayer = units.Taps.Select((t, k) => (t.Suffix, (IReadOnlyList<int>)perTapLayer[k])).ToDictionary(p => p.Suffix, p => p.Item2),
                Random = randoms,
            });
        }
        return new NeuronSets
        {
            Units = "custom",
            Mode = options.Mode, Count = n, Fraction = (double)n / units.TotalUnits, TopCount = top, BottomCount = bottom,
            TotalUnits = units.TotalUnits, Layers = units.Layers, Taps = units.Taps.Select(t => t.Suffix).ToList(),
            Seed = options.Seed, Relations = sets,
            Overlap = Overlap(units, sets.Select(s => s.Name).ToList(), chosen),
        };
    }

    /// <summary>Unit numbers ordered by AP descending, ties in unit order: one sort of (order-preserving AP key, unit) packed into 64-bit words.</summary>
    public static long[] Rank(ReadOnlySpan<float> ap)
    {
        var keys = new ulong[ap.Length];
        for (int u = 0; u < ap.Length; u++)
        {
            if (!float.IsFinite(ap[u])) throw new UserInputException($"unit {u} has AP {ap[u]}; the expertise file is damaged");
            keys[u] = ((ulong)DescendingSort.DescendingKey(ap[u]) << 32) | (uint)u;
        }
        Array.Sort(keys);
        var ranked = new long[keys.Length];
        for (int i = 0; i < keys.Length; i++) ranked[i] = (uint)keys[i];
        return ranked;
    }

    private static int[][] CountPerTapLayer(UnitSpace units, long[] chosen)
    {
        var counts = units.Taps.Select(_ => new int[units.Layers]).ToArray();
        foreach (long u in chosen)
        {
            var (k, l, _) = units.Decode(u);
            counts[k][l]++;
        }
        return counts;
    }

    /// <summary>Per (tap, layer), <c>count</c> distinct indices drawn uniformly by a partial Fisher–Yates shuffle.</summary>
    private static List<RandomUnit> DrawRandom(UnitSpace units, int[][] perTapLayer, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var result = new List<RandomUnit>();
        for (int k = 0; k < units.Taps.Count; k++)
        {
            int width = units.Taps[k].Width;
            int[] pool = new int[width];
            for (int l = 0; l < units.Layers; l++)
            {
                int count = perTapLayer[k][l];
                if (count == 0) continue;
                for (int i = 0; i < width; i++) pool[i] = i;
                for (int i = 0; i < count; i++)
                {
                    int j = i + rng.NextInt(width - i);
                    (pool[i], pool[j]) = (pool[j], pool[i]);
                }
                foreach (int index in pool.AsSpan(0, count).ToArray().Order())
                    result.Add(new RandomUnit(l, units.Taps[k].Suffix, index, units.Neuron(k, l, index).ToString()));
            }
        }
        return result;
    }

    private static OverlapMatrices Overlap(UnitSpace units, IReadOnlyList<string> names, IReadOnlyList<long[]> chosen)
    {
        int t = names.Count;
        var count = new int[t][];
        var jaccard = new double[t][];
        var perLayer = new int[t][][];
        for (int a = 0; a < t; a++)
        {
            count[a] = new int[t]; jaccard[a] = new double[t]; perLayer[a] = new int[t][];
            for (int b = 0; b < t; b++)
            {
                perLayer[a][b] = new int[units.Layers];
                // Both lists are sorted: merge.
                long[] x = chosen[a], y = chosen[b];
                int i = 0, j = 0, both = 0;
                while (i < x.Length && j < y.Length)
                {
                    if (x[i] < y[j]) i++;
                    else if (x[i] > y[j]) j++;
                    else { both++; perLayer[a][b][units.Decode(x[i]).Layer]++; i++; j++; }
                }
                count[a][b] = both;
                int union = x.Length + y.Length - both;
                jaccard[a][b] = union == 0 ? 0 : (double)both / union;
            }
        }
        return new OverlapMatrices(names, count, jaccard,
            perLayer.Select(r => (IReadOnlyList<IReadOnlyList<int>>)r.Select(c => (IReadOnlyList<int>)c).ToList()).ToList());
    }
}
