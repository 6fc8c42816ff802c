namespace RelationNeurons.Randomness;

/// <summary>
/// The project's one seeded generator: SplitMix64 (Vigna). Every random choice (prompt splits,
/// random baselines, bootstrap resamples, training initialisation and batch order) goes through
/// it, so results depend only on the seed and never on the .NET version, as
/// <see cref="System.Random"/>'s algorithm may change. Not thread-safe: give each stream its own
/// instance, derived with <see cref="ForStream"/>, <see cref="DeriveSeed"/> or <see cref="Derive"/>.
/// </summary>
public sealed class SplitMix64
{
    /// <summary>The whole state: saving and restoring it (training checkpoints) resumes the stream exactly.</summary>
    public ulong State { get; set; }

    public SplitMix64(ulong seed) => State = seed;

    public ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound), unbiased (draws past the largest multiple of bound are rejected).</summary>
    public int NextInt(int bound) => (int)NextLong(bound);

    /// <summary>Uniform in [0, bound), unbiased, for bounds past int (unit spaces of large models).</summary>
    public long NextLong(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong b = (ulong)bound;
        ulong limit = ulong.MaxValue - ulong.MaxValue % b;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (long)(x % b);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box–Muller, one value per call).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Fisher–Yates shuffle in place (the same draws as the list overload).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// A generator for a named stream (e.g. one relation's split), independent of how many other
    /// streams exist or in which order they are used.
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
        return new SplitMix64(new SplitMix64(seed ^ hash).NextUInt64());
    }

    /// <summary>A seed for the stream named by several parts; ("ab","c") and ("a","bc") differ.</summary>
    public static ulong DeriveSeed(ulong seed, params ReadOnlySpan<string> parts)
    {
        ulong h = 0xCBF29CE484222325UL ^ seed;
        foreach (string part in parts)
        {
            foreach (char c in part) { h ^= c; h *= 0x100000001B3UL; }
            h ^= 0xFF; h *= 0x100000001B3UL; // separator between parts
        }
        return new SplitMix64(h).NextUInt64();
    }

    /// <summary>A generator for a numbered stream (the trainer's initialisation, corpus, batch order).</summary>
    public static SplitMix64 Derive(ulong seed, ulong stream)
    {
        var g = new SplitMix64(seed ^ (stream * 0xD1B54A32D192ED03UL));
        g.NextUInt64();
        return new SplitMix64(g.NextUInt64());
    }
}
