using System.Numerics;
using System.Runtime.InteropServices;

namespace RelationNeurons.Inference;

/// <summary>
/// The vector operations of the forward pass besides matrix products, in plain float32 with the
/// same operation order as PyTorch. Kept private to the engine so the SIMD versions can replace
/// the bodies without touching the forward pass.
/// </summary>
internal static class EngineMath
{
    /// <summary>HF LlamaRMSNorm: x * rsqrt(mean(x²) + eps), then * weight, all float32.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        float sumSquares = 0;
        for (int i = 0; i < x.Length; i++) sumSquares += x[i] * x[i];
        float mean = sumSquares / x.Length;
        float inv = 1f / MathF.Sqrt(mean + eps);
        for (int i = 0; i < x.Length; i++) y[i] = weight[i] * (x[i] * inv);
    }

    /// <summary>y = silu(gate) * up, silu(g) = g / (1 + exp(-g)); y may alias either input.</summary>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float g = gate[i];
            y[i] = g / (1f + MathF.Exp(-g)) * up[i];
        }
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
            for (int v = 0; v < va.Length; v++) acc += va[v] * vb[v];
            i = va.Length * Vector<float>.Count;
        }
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += alpha · x.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x[..y.Length]);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            var va = new Vector<float>(alpha);
            for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v];
            i = vy.Length * Vector<float>.Count;
        }
        for (; i < y.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>Numerically stable softmax (subtract the max, exponentiate, divide by the sum).</summary>
    public static void SoftmaxInPlace(Span<float> x)
    {
        float max = float.NegativeInfinity;
        foreach (float v in x) if (v > max) max = v;
        float sum = 0;
        for (int i = 0; i < x.Length; i++) { x[i] = MathF.Exp(x[i] - max); sum += x[i]; }
        for (int i = 0; i < x.Length; i++) x[i] /= sum;
    }

    /// <summary>y = a + b; y may alias a or b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = a[i] + b[i];
    }
}
