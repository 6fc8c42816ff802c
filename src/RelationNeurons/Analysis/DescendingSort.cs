namespace RelationNeurons.Analysis;

/// <summary>
/// Sorts one neuron's scores once, in descending order, by an LSD radix sort on the float's
/// order-preserving bit pattern (three passes of 11, 11 and 10 bits). Each output entry packs the
/// sort key in the high 32 bits and the prompt index in the low 32 bits, so tied scores are
/// exactly the runs of equal high halves. −0 is folded into +0 first, so the two zeros tie, as
/// they do under numpy's comparisons.
/// </summary>
internal sealed class DescendingSort
{
    private const int Bits0 = 11, Bits1 = 11, Buckets = 1 << 11;
    private readonly ulong[] _a;
    private readonly ulong[] _b;
    private readonly int[] _histogram = new int[3 * Buckets];

    public DescendingSort(int capacity)
    {
        _a = new ulong[capacity];
        _b = new ulong[capacity];
    }

    /// <summary>The key whose ascending order is the scores' descending order.</summary>
    public static uint DescendingKey(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value + 0f); // −0 + 0 = +0
        uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ~ascending;
    }

    public static uint KeyOf(ulong entry) => (uint)(entry >> 32);
    public static int IndexOf(ulong entry) => (int)(uint)entry;

    /// <summary>
    /// Sorts <paramref name="scores"/>; returns the sorted entries, or an empty span with
    /// <paramref name="firstNonFinite"/> set when a score is NaN or infinite (scikit-learn refuses
    /// those too). The span stays valid until the next call.
    /// </summary>
    public ReadOnlySpan<ulong> Sort(ReadOnlySpan<float> scores, out int firstNonFinite)
    {
        int n = scores.Length;
        var h = _histogram.AsSpan();
        h.Clear();
        var src = _a.AsSpan(0, n);
        var dst = _b.AsSpan(0, n);
        for (int p = 0; p < n; p++)
        {
            float v = scores[p];
            if (!float.IsFinite(v)) { firstNonFinite = p; return default; }
            uint key = DescendingKey(v);
            src[p] = ((ulong)key << 32) | (uint)p;
            h[(int)(key & (Buckets - 1))]++;
            h[Buckets + (int)((key >> Bits0) & (Buckets - 1))]++;
            h[2 * Buckets + (int)(key >> (Bits0 + Bits1))]++;
        }
        firstNonFinite = -1;
        for (int pass = 0; pass < 3; pass++)
        {
            var counts = h.Slice(pass * Buckets, Buckets);
            int shift = 32 + pass * Bits0;
            // A pass where every key has the same digit would only copy: skip it.
            int digit0 = (int)((src[0] >> shift) & (Buckets - 1));
            if (counts[digit0] == n) continue;
            int sum = 0;
            for (int d = 0; d < Buckets; d++) { int c = counts[d]; counts[d] = sum; sum += c; }
            for (int i = 0; i < n; i++)
            {
                ulong e = src[i];
                dst[counts[(int)((e >> shift) & (Buckets - 1))]++] = e;
            }
            var t = src; src = dst; dst = t;
        }
        return src;
    }
}
