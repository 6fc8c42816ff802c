using System.Numerics;

namespace RelationNeurons.Training;

/// <summary>
/// Causal grouped-query attention over packed sequences: rows [start, start+len) form one sequence;
/// query head h reads key/value head h / (heads / kvHeads). Saves the softmax probabilities for the
/// backward pass. Work is split over (sequence, key/value head) pairs; each pair writes its own
/// outputs, so results do not depend on the thread count.
/// </summary>
internal sealed class AttentionOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _heads, _kvHeads, _headDim;

    public AttentionOp(int heads, int kvHeads, int headDim)
    {
        _heads = heads; _kvHeads = kvHeads; _headDim = headDim;
    }

    /// <summary>Size of the probability buffer for these sequences.</summary>
    public long ProbabilityLength(ReadOnlySpan<int> lengths)
    {
        long n = 0;
        foreach (int l in lengths) n += (long)_heads * l * l;
        return n;
    }

    public void Forward(T[] q, T[] k, T[] v, T[] output, T[] probs, int[] starts, int[] lengths)
    {
        int qw = _heads * _headDim, kw = _kvHeads * _headDim, group = _heads / _kvHeads, hd = _headDim;
        long[] pOff = Offsets(lengths);
        T scale = T.One / T.Sqrt(T.CreateTruncating(hd));
        Parallel.For(0, starts.Length * _kvHeads, job =>
        {
            int s = job / _kvHeads, kvh = job % _kvHeads, st = starts[s], len = lengths[s];
            for (int h = kvh * group; h < (kvh + 1) * group; h++)
            {
                for (int i = 0; i < len; i++)
                {
                    var qi = q.AsSpan((st + i) * qw + h * hd, hd);
                    var p = probs.AsSpan((int)(pOff[s] + ((long)h * len + i) * len), len);
                    T max = T.NegativeInfinity;
                    for (int j = 0; j <= i; j++)
                    {
                        var kj = k.AsSpan((st + j) * kw + kvh * hd, hd);
                        T dot = T.Zero;
                        for (int t = 0; t < hd; t++) dot += qi[t] * kj[t];
                        p[j] = dot * scale;
                        if (p[j] > max) max = p[j];
                    }
                    T sum = T.Zero;
                    for (int j = 0; j <= i; j++) { p[j] = T.Exp(p[j] - max); sum += p[j]; }
                    T inv = T.One / sum;
                    for (int j = 0; j <= i; j++) p[j] *= inv;
                    for (int j = i + 1; j < len; j++) p[j] = T.Zero;
                    var oi = output.AsSpan((st + i) * qw + h * hd, hd);
                    oi.Clear();
                    for (int j = 0; j <= i; j++)
                    {
                        var vj = v.AsSpan((st + j) * kw + kvh * hd, hd);
                        T pj = p[j];
                        for (int t = 0; t < hd; t++) oi[t] += pj * vj[t];
                    }
                }
            }
        });
    }

    /// <summary>Overwrites dq, dk, dv from the output gradient.</summary>
    public void Backward(T[] q, T[] k, T[] v, T[] probs, T[] dOut, T[] dq, T[] dk, T[] dv, int[] starts, int[] lengths)
    {
        int qw = _heads * _headDim, kw = _kvHeads * _headDim, group = _heads / _kvHeads, hd = _headDim;
        long[] pOff = Offsets(lengths);
        T scale = T.One / T.Sqrt(T.CreateTruncating(hd));
        Parallel.For(0, starts.Length * _kvHeads, job =>
        {
            int s = job / _kvHeads, kvh = job % _kvHeads, st = starts[s], len = lengths[s];
            for (int j = 0; j < len; j++)
            {
                dk.AsSpan((st + j) * kw + kvh * hd, hd).Clear();
                dv.AsSpan((st + j) * kw + kvh * hd, hd).Clear();
            }
            var dp = new T[len];
            for (int h = kvh * group; h < (kvh + 1) * group; h++)
            {
                for (int i = 0; i < len; i++)
                {
                    var p = probs.AsSpan((int)(pOff[s] + ((long)h * len + i) * len), len);
                    var doi = dOut.AsSpan((st + i) * qw + h * hd, hd);
                    T rowDot = T.Zero;
                    for (int j = 0; j <= i; j++)
                    {
                        var vj = v.AsSpan((st + j) * kw + kvh * hd, hd);
                        var dvj = dv.AsSpan((st + j) * kw + kvh * hd, hd);
                        T d = T.Zero, pj = p[j];
                        for (int t = 0; t < hd; t++) { d += doi[t] * vj[t]; dvj[t] += pj * doi[t]; }
                        dp[j] = d;
                        rowDot += pj * d;
                    }
                    var qi = q.AsSpan((st + i) * qw + h * hd, hd);
                    var dqi = dq.AsSpan((st + i) * qw + h * hd, hd);
                    dqi.Clear();
                    for (int j = 0; j <= i; j++)
                    {
                        T ds = p[j] * (dp[j] - rowDot) * scale;
                        var kj = k.AsSpan((st + j) * kw + kvh * hd, hd);
                        var dkj = dk.AsSpan((st + j) * kw + kvh * hd, hd);
                        for (int t = 0; t < hd; t++) { dqi[t] += ds * kj[t]; dkj[t] += ds * qi[t]; }
                    }
                }
            }
        });
    }

    private long[] Offsets(int[] lengths)
    {
        var off = new long[lengths.Length];
        long o = 0;
        for (int s = 0; s < lengths.Length; s++) { off[s] = o; o += (long)_heads * lengths[s] * lengths[s]; }
        return off;
    }
}
