using System.Globalization;
using RelationNeurons.Hooks;
using RelationNeurons.Method;
using RelationNeurons.Randomness;

namespace RelationNeurons.Analysis;

/// <summary>
/// The one sampler of random baseline sets, used by <c>select</c> (the sets it writes) and by the
/// experiments (the sets they deactivate), so the two always agree. Both kinds are prefix-stable:
/// the random set for k units is the first k of one seeded sequence, so the random sets of a
/// growing k are nested, as the relation's own prefixes are, and a curve compares like with like.
/// <list type="bullet">
/// <item><see cref="RandomBaseline.Uniform"/> (the paper's): units drawn uniformly without
/// replacement from the whole unit set (every layer and tap), by a lazy Fisher–Yates shuffle.</item>
/// <item><see cref="RandomBaseline.LayerMatched"/>: the counterpart of the m-th ranked unit in
/// tap h is the m-th unit of a seeded permutation of h's units, so any prefix has exactly the
/// ranked prefix's per-layer, per-tap counts.</item>
/// </list>
/// The relation's own units are not excluded from either (a random draw may hit them).
/// </summary>
public static class RandomUnitSampler
{
    /// <summary>The seed of random baseline <paramref name="seed"/> (1, 2, ...) of a relation's set, independent of any other.</summary>
    public static ulong SeedFor(ulong baseSeed, string relation, string language, long seed) =>
        SplitMix64.DeriveSeed(baseSeed, "random-baseline", relation, language, seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>The random counterpart of each of <paramref name="ranked"/>'s first <paramref name="count"/> units.</summary>
    public static NeuronId[] Draw(RandomBaseline kind, IReadOnlyList<NeuronId> ranked, int count, UnitSpace units, ulong seed) => kind switch
    {
        RandomBaseline.Uniform => Uniform(units, count, seed),
        RandomBaseline.LayerMatched => LayerMatched(ranked.Take(count).ToArray(), units, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown random baseline"),
    };

    /// <summary>The first <paramref name="count"/> units of a seeded uniform permutation of the whole unit space.</summary>
    public static NeuronId[] Uniform(UnitSpace units, int count, ulong seed)
    {
        if (count < 0 || count > units.TotalUnits) throw new ArgumentOutOfRangeException(nameof(count), $"{count} units asked of {units.TotalUnits}");
        var rng = new SplitMix64(SplitMix64.DeriveSeed(seed, "uniform"));
        // Lazy Fisher–Yates over [0, total): only the positions touched are stored.
        var moved = new Dictionary<long, long>();
        var result = new NeuronId[count];
        long total = units.TotalUnits;
        for (int i = 0; i < count; i++)
        {
            long j = i + rng.NextLong(total - i);
            long atJ = moved.GetValueOrDefault(j, j), atI = moved.GetValueOrDefault(i, i);
            moved[j] = atI;
            var (tap, layer, index) = units.Decode(atJ);
            result[i] = units.Neuron(tap, layer, index);
        }
        return result;
    }

    /// <summary>The layer- and tap-matched counterpart of each ranked unit, in the ranked order.</summary>
    public static NeuronId[] LayerMatched(IReadOnlyList<NeuronId> ranked, UnitSpace units, ulong seed)
    {
        var result = new NeuronId[ranked.Count];
        var taken = new Dictionary<HookPoint, (int[] Perm, int Used, SplitMix64 Rng)>();
        for (int j = 0; j < ranked.Count; j++)
        {
            var hook = ranked[j].Hook;
            units.Encode(ranked[j]); // checks that the unit is in the set
            if (!taken.TryGetValue(hook, out var state))
            {
                int width = units.Taps[units.TapIndex(hook.Kind)].Width;
                var perm = new int[width];
                for (int i = 0; i < width; i++) perm[i] = i;
                state = (perm, 0, new SplitMix64(SplitMix64.DeriveSeed(seed, hook.Name)));
            }
            // Lazy Fisher-Yates: fix position Used by swapping in a uniform pick from the rest.
            var (p, used, rng) = state;
            int pick = used + rng.NextInt(p.Length - used);
            (p[used], p[pick]) = (p[pick], p[used]);
            result[j] = new NeuronId(hook, p[used]);
            taken[hook] = (p, used + 1, rng);
        }
        return result;
    }
}
