using RelationNeurons.Hooks;
using RelationNeurons.Models;
using RelationNeurons.Randomness;

namespace RelationNeurons.Experiments.NeuronSets;

/// <summary>
/// Random baselines matched to a ranked set: for every tap (layer and kind) the ranked set uses,
/// a seeded uniform permutation of that tap's units; the counterpart of the m-th ranked unit in
/// tap h is the m-th unit of h's permutation. So the random set of any prefix of the ranked list
/// has exactly the prefix's per-layer, per-tap counts, and the random sets of growing prefixes
/// are nested, as the ranked prefixes are (a cumulativity curve compares like with like).
/// Units are drawn uniformly from the whole tap; the ranked units themselves are not excluded.
/// </summary>
public static class LayerMatchedSampler
{
    /// <summary>The random counterpart of each ranked unit, in the ranked order.</summary>
    public static NeuronId[] Counterparts(IReadOnlyList<NeuronId> ranked, LlamaConfig config, ulong seed)
    {
        var result = new NeuronId[ranked.Count];
        var taken = new Dictionary<HookPoint, (int[] Perm, int Used, SplitMix64 Rng)>();
        for (int j = 0; j < ranked.Count; j++)
        {
            var hook = ranked[j].Hook;
            TapShapes.CheckNeuron(config, ranked[j]);
            if (!taken.TryGetValue(hook, out var state))
            {
                int width = TapShapes.Width(config, hook);
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

    /// <summary>The seed of one random baseline of a relation's set, independent of any other.</summary>
    public static ulong SeedFor(ulong baseSeed, string relation, string language, long seed) =>
        SplitMix64.DeriveSeed(baseSeed, "random-baseline", relation, language, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
