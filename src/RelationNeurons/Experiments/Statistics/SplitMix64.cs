namespace RelationNeurons.Experiments.Statistics;

/// <summary>
/// Vigna's SplitMix64 generator. Our own so that a seed gives the same numbers on every .NET
/// version and machine (System.Random's algorithm is not a compatibility promise).
/// </summary>
public sealed class SplitMix64
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

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong b = (ulong)bound;
        ulong high = Math.BigMul(NextUInt64(), b, out ulong low);
        if (low < b)
        {
            ulong threshold = (0UL - b) % b;
            while (low < threshold)
                high = Math.BigMul(NextUInt64(), b, out low);
        }
        return (int)high;
    }

    /// <summary>Uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// A seed for an independent stream named by <paramref name="parts"/> (e.g. relation, language,
    /// comparison), so a result does not depend on the order in which others were computed.
    /// </summary>
    public static ulong DeriveSeed(ulong seed, params ReadOnlySpan<string> parts)
    {
        // FNV-1a over the UTF-16 code units, then one SplitMix step to spread the bits.
        ulong h = 0xCBF29CE484222325UL ^ seed;
        foreach (string part in parts)
        {
            foreach (char c in part) { h ^= c; h *= 0x100000001B3UL; }
            h ^= 0xFF; h *= 0x100000001B3UL; // separator, so ("ab","c") differs from ("a","bc")
        }
        return new SplitMix64(h).NextUInt64();
    }
}
