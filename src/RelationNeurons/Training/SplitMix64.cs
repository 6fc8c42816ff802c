namespace RelationNeurons.Training;

/// <summary>
/// The trainer's own pseudo-random generator (Steele, Lea and Flood's SplitMix64). Its whole
/// state is one 64-bit word, so a checkpoint stores it exactly and a resumed run draws the same
/// numbers; nothing depends on the runtime's <see cref="Random"/> implementation.
/// </summary>
public sealed class SplitMix64
{
    public ulong State { get; set; }

    public SplitMix64(ulong seed) { State = seed; }

    public ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), unbiased (rejection on the top range).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound));
        ulong b = (ulong)bound;
        ulong limit = ulong.MaxValue - ulong.MaxValue % b;
        ulong x;
        do { x = NextUInt64(); } while (x >= limit);
        return (int)(x % b);
    }

    /// <summary>Standard normal by Box–Muller (one value per call; the pair's twin is dropped so the state stays one word).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A generator for an independent stream derived from this seed and a label.</summary>
    public static SplitMix64 Derive(ulong seed, ulong stream)
    {
        var g = new SplitMix64(seed ^ (stream * 0xD1B54A32D192ED03UL));
        g.NextUInt64();
        return new SplitMix64(g.NextUInt64());
    }
}
