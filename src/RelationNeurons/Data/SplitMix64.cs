namespace RelationNeurons.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose output is fixed by its
/// definition, so a split made with a seed today is the same split on any runtime tomorrow
/// (System.Random makes no such promise).
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound), without modulo bias (rejection of the short tail).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound));
        ulong b = (ulong)bound;
        ulong limit = ulong.MaxValue - ulong.MaxValue % b;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % b);
    }

    /// <summary>Fisher–Yates shuffle in place: for i from n-1 down to 1, swap i with NextInt(i+1).</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// A generator for one named stream under a seed: the seed is combined with the 64-bit FNV-1a
    /// hash of the UTF-8 name, so each relation gets its own stream and filtering other relations
    /// out never changes its split.
    /// </summary>
    public static SplitMix64 ForStream(ulong seed, string name)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        // One SplitMix64 step over the combination decorrelates nearby seeds.
        var mixer = new SplitMix64(seed ^ hash);
        return new SplitMix64(mixer.NextUInt64());
    }
}
