using RelationNeurons.Models;

namespace RelationNeurons.Inference;

/// <summary>
/// Rotate-half rotary position embedding as HF LlamaRotaryEmbedding computes it, in float32:
/// inv_freq = 1 / theta^(2i/d) (with Llama-3 rescaling when configured), angle = position · inv_freq,
/// then cos/sin of the float32 angle. The cos/sin table grows on demand and is shared by threads.
/// </summary>
internal sealed class RotaryEmbedding
{
    private readonly float[] _invFreq;
    private readonly object _growLock = new();
    private volatile Table _table;

    private sealed record Table(int Positions, float[] Cos, float[] Sin);

    public int HeadDim { get; }
    public int Half => HeadDim / 2;
    public ReadOnlySpan<float> InverseFrequencies => _invFreq;

    public RotaryEmbedding(LlamaConfig config)
    {
        HeadDim = config.HeadDim;
        _invFreq = InverseFrequency(config);
        _table = Build(Math.Min(config.MaxPositionEmbeddings, 4096));
    }

    public static float[] InverseFrequency(LlamaConfig config)
    {
        int dim = config.HeadDim;
        float theta = (float)config.RopeTheta;
        var inv = new float[dim / 2];
        for (int i = 0; i < inv.Length; i++)
        {
            // torch: arange(0, dim, 2).float() / dim, then base ** that, then 1.0 / that, all float32.
            float exponent = (float)(2 * i) / dim;
            inv[i] = 1f / MathF.Pow(theta, exponent);
        }
        if (config.RopeScaling is { } s) ApplyLlama3Scaling(inv, s);
        return inv;
    }

    /// <summary>transformers' _compute_llama3_parameters, elementwise in float32.</summary>
    private static void ApplyLlama3Scaling(float[] inv, RopeScaling s)
    {
        float factor = (float)s.Factor;
        float low = (float)s.LowFreqFactor, high = (float)s.HighFreqFactor;
        float oldContext = s.OriginalMaxPositionEmbeddings;
        float lowFreqWavelen = oldContext / low;
        float highFreqWavelen = oldContext / high;
        for (int i = 0; i < inv.Length; i++)
        {
            float f = inv[i];
            float wavelen = 2f * MathF.PI / f;
            float scaled = wavelen > lowFreqWavelen ? f / factor : f;
            bool medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium)
            {
                float smooth = (oldContext / wavelen - low) / (high - low);
                scaled = (1f - smooth) * scaled / factor + smooth * scaled;
            }
            inv[i] = scaled;
        }
    }

    private Table Build(int positions)
    {
        int half = _invFreq.Length;
        var cos = new float[positions * half];
        var sin = new float[positions * half];
        for (int p = 0; p < positions; p++)
            for (int i = 0; i < half; i++)
            {
                float angle = (float)p * _invFreq[i];
                cos[p * half + i] = MathF.Cos(angle);
                sin[p * half + i] = MathF.Sin(angle);
            }
        return new Table(positions, cos, sin);
    }

    /// <summary>Makes sure positions [0, count) are in the table; call before a batch, not per token.</summary>
    public void EnsurePositions(int count)
    {
        if (count <= _table.Positions) return;
        lock (_growLock)
        {
            if (count <= _table.Positions) return;
            _table = Build(Math.Max(count, _table.Positions * 2));
        }
    }

    /// <summary>Rotates every head of one row in place: x·cos + rotate_half(x)·sin.</summary>
    public void Apply(Span<float> row, int heads, int position)
    {
        var table = _table;
        int half = Half;
        var cos = table.Cos.AsSpan(position * half, half);
        var sin = table.Sin.AsSpan(position * half, half);
        for (int h = 0; h < heads; h++)
        {
            var head = row.Slice(h * HeadDim, HeadDim);
            for (int i = 0; i < half; i++)
            {
                float x1 = head[i], x2 = head[i + half];
                float c = cos[i], s = sin[i];
                // Two products then a sum, as PyTorch evaluates q*cos + rotate_half(q)*sin.
                float a = x1 * c, b = -x2 * s;
                float d = x2 * c, e = x1 * s;
                head[i] = a + b;
                head[i + half] = d + e;
            }
        }
    }
}
