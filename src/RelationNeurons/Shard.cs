using System.Globalization;

namespace RelationNeurons;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> ("i/n", counted from 0 as Slurm's
/// <c>SLURM_ARRAY_TASK_ID</c> and Kubernetes' <c>JOB_COMPLETION_INDEX</c> count): one contiguous
/// share of a stage's ordered items (prompts, record chunks, layers, conditions). Contiguous rather
/// than round-robin because then the merged output is the shards' outputs laid end to end in
/// shard order (record rows, validation verdicts, layer rows) — the unsharded file's own order —
/// with no interleaving step that could get it wrong. Shares differ by at most one item; with
/// fewer items than shards some shares are empty, which is allowed.
/// </summary>
public readonly record struct Shard
{
    public Shard(int index, int count)
    {
        if (count < 1) throw new UserInputException($"shard count must be at least 1, got {count}");
        if (index < 0 || index >= count) throw new UserInputException($"shard index must be in 0..{count - 1}, got {index}");
        Index = index; Count = count;
    }

    public int Index { get; }
    public int Count { get; }

    /// <summary>Parses "i/n" (e.g. "3/8"); anything else is a user error.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            return new Shard(i, n);
        throw new UserInputException($"--shard '{text}' is not i/n (shard i of n, counted from 0, e.g. 0/4 … 3/4)");
    }

    /// <summary>This shard's items out of <paramref name="items"/>: [Start, Start + Length).</summary>
    public (int Start, int Length) Range(int items)
    {
        int start = (int)((long)items * Index / Count), end = (int)((long)items * (Index + 1) / Count);
        return (start, end - start);
    }

    /// <summary>
    /// This shard's contiguous run of items when items cost unequal amounts (<paramref name="weights"/>,
    /// e.g. prompts per condition): it starts at the first item whose preceding weight reaches
    /// i/n of the total, so shares carry about equal weight, not equal counts. Every item belongs
    /// to exactly one shard, in order.
    /// </summary>
    public (int Start, int Length) Range(IReadOnlyList<long> weights)
    {
        long total = weights.Sum();
        int count = Count;
        int Boundary(int shard)
        {
            if (shard == count) return weights.Count;
            // The first item whose preceding weight is at least shard/n of the total (as a fraction, no rounding).
            long before = 0;
            for (int item = 0; item < weights.Count; item++)
            {
                if ((Int128)before * count >= (Int128)total * shard) return item;
                before += weights[item];
            }
            return weights.Count;
        }
        int start = Index == 0 ? 0 : Boundary(Index), end = Boundary(Index + 1);
        return (start, end - start);
    }

    /// <summary>The name a shard's files carry: <c>shard-2-of-4</c>.</summary>
    public string FileStem => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
