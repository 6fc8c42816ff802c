using RelationNeurons.Data;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Randomness;
using RelationNeurons.Method;
using RelationNeurons.Hooks;

namespace RelationNeurons.Analysis;

public sealed record SelectionOptions
{
    public SelectionMode Mode { get; init; } = Protocol.Paper.Mode;
    /// <summary>N as a count; wins over <see cref="Fraction"/>.</summary>
    public long? Count { get; init; }
    /// <summary>N as a share of all units (default: the protocol's, the paper's 3,000 of Llama-2-7B's 835,584 FFN units).</summary>
    public double? Fraction { get; init; }
    /// <summary>Random baseline sets per task.</summary>
    public int RandomSeeds { get; init; } = Protocol.Paper.RandomSeeds;
    public RandomBaseline Random { get; init; } = Protocol.Paper.Random;
    public ulong Seed { get; init; }

    public long ResolveCount(long totalUnits) => Protocol.ResolveCount(Count, Fraction ?? Protocol.Paper.Fraction, totalUnits);
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
            var ids = picks.Select(p => { var (k, l, i) = units.Decode(p.Unit); return units.Neuron(k, l, i); }).ToArray();
            var randoms = new List<RandomSet>();
            for (int s = 1; s <= options.RandomSeeds; s++)
            {
                ulong seed = RandomUnitSampler.SeedFor(options.Seed, task.Task.Relation, task.Task.Language ?? "*", s);
                var drawn = options.Random == RandomBaseline.Uniform
                    ? RandomUnitSampler.Uniform(units, ids.Length, seed)
                    : RandomUnitSampler.LayerMatched(ids, units, seed);
                randoms.Add(new RandomSet(seed, drawn.Select(u => (Unit: units.Encode(u), Id: u)).OrderBy(u => u.Unit)
                    .Select(u => new RandomUnit(u.Id.Hook.Layer, HookPoint.SuffixOf(u.Id.Hook.Kind), u.Id.Index, u.Id.ToString())).ToList()));
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
            Mode = options.Mode, Random = options.Random, Count = n, Fraction = (double)n / units.TotalUnits, TopCount = top, BottomCount = bottom,
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
