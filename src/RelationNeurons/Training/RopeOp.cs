using System.Numerics;
using RelationNeurons.Models;

namespace RelationNeurons.Training;

/// <summary>
/// Rotary position embedding in Hugging Face's rotate-half convention: for a head vector x of
/// dimension D and i &lt; D/2, out[i] = x[i]·cos − x[i+D/2]·sin, out[i+D/2] = x[i+D/2]·cos + x[i]·sin,
/// with angle = position · inv_freq[i] and inv_freq[i] = θ^(−2i/D) (Llama-3 rescaling applied when configured).
/// </summary>
internal sealed class RopeTable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _cos, _sin;
    public int HeadDim { get; }
    public int MaxPositions { get; }

    public RopeTable(LlamaConfig config, int maxPositions)
    {
        HeadDim = config.HeadDim;
        MaxPositions = maxPositions;
        int half = HeadDim / 2;
        double[] invFreq = InverseFrequencies(config);
        _cos = new T[maxPositions * half];
        _sin = new T[maxPositions * half];
        for (int p = 0; p < maxPositions; p++)
            for (int i = 0; i < half; i++)
            {
                // float32 angle, as transformers computes it, so that positions match the engine bit for bit as far as possible
                float angle = p * (float)invFreq[i];
                _cos[p * half + i] = T.CreateTruncating(Math.Cos(angle));
                _sin[p * half + i] = T.CreateTruncating(Math.Sin(angle));
            }
    }

    public static double[] InverseFrequencies(LlamaConfig config)
    {
        int dim = config.HeadDim, half = dim / 2;
        var inv = new double[half];
        for (int i = 0; i < half; i++) inv[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / dim);
        if (config.RopeScaling is { } rs)
        {
            double lowWave = rs.OriginalMaxPositionEmbeddings / rs.LowFreqFactor;
            double highWave = rs.OriginalMaxPositionEmbeddings / rs.HighFreqFactor;
            for (int i = 0; i < half; i++)
            {
                double wave = 2 * Math.PI / inv[i];
                if (wave > lowWave) inv[i] /= rs.Factor;
                else if (wave >= highWave)
                {
                    double smooth = (rs.OriginalMaxPositionEmbeddings / wave - rs.LowFreqFactor) / (rs.HighFreqFactor - rs.LowFreqFactor);
                    inv[i] = (1 - smooth) * inv[i] / rs.Factor + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    /// <summary>Rotates every head of every row in place; positions[r] is row r's position in its sequence.</summary>
    public void Apply(T[] x, ReadOnlySpan<int> positions, int heads, bool inverse)
    {
        int half = HeadDim / 2, width = heads * HeadDim;
        int[] pos = positions.ToArray();
        RowBlocks.For(pos.Length, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int p = pos[r];
                if ((uint)p >= (uint)MaxPositions) throw new ArgumentOutOfRangeException(nameof(positions), $"position {p} beyond {MaxPositions}");
                var c = _cos.AsSpan(p * half, half);
                var s = _sin.AsSpan(p * half, half);
                for (int h = 0; h < heads; h++)
                {
                    var v = x.AsSpan(r * width + h * HeadDim, HeadDim);
                    for (int i = 0; i < half; i++)
                    {
                        T a = v[i], b = v[i + half];
                        // the backward pass is the transposed rotation (angle → −angle)
                        T sn = inverse ? -s[i] : s[i];
                        v[i] = a * c[i] - b * sn;
                        v[i + half] = b * c[i] + a * sn;
                    }
                }
            }
        });
    }
}
