using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Element-wise and reduction kernels of the forward pass, float32 throughout, with numerics
/// kept close to PyTorch's CPU float32 kernels (HF order of operations; exp practically
/// correctly rounded, see <see cref="VectorExp"/>). Each op has a Vector512, a
/// Vector256 and a scalar path; the public overloads pick the level from <see cref="KernelOptions"/>.
/// </summary>
public static class VectorOps
{
    /// <summary>HF LlamaRMSNorm: h = x · (1/sqrt(mean(x²)+eps)) in float32, then y = weight · h.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y) =>
        RmsNorm(x, weight, eps, y, KernelOptions.Simd);

    /// <summary>y = gate / (1 + exp(−gate)) · up (SiLU(gate) · up).</summary>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y) =>
        SiluMul(gate, up, y, KernelOptions.Simd);

    /// <summary>
    /// <see cref="SiluMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> over a whole
    /// step's [rows × d_ff], split into chunks on the kernel threads (its exp costs about as much
    /// as a few percent of the step's matrix products). Chunks start at multiples of 16, so every
    /// element takes the same path as in one call: the split cannot change a bit.
    /// </summary>
    public static void SiluMulParallel(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y) =>
        GatedParallel(gate, up, y, gelu: false);

    /// <summary>
    /// y = gelu_tanh(gate) · up (GeGLU, Gemma): PyTorch's GELU with the tanh approximation,
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), computed as x / (1 + exp(−2·√(2/π)·(x + 0.044715·x³)))
    /// (the same function: 0.5·(1 + tanh(u)) = sigmoid(2u)) with the exp of the SiLU path.
    /// </summary>
    public static void GeluTanhMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y) =>
        GeluTanhMul(gate, up, y, KernelOptions.Simd);

    /// <summary><see cref="GeluTanhMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> over a whole step, split as <see cref="SiluMulParallel"/>.</summary>
    public static void GeluTanhMulParallel(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y) =>
        GatedParallel(gate, up, y, gelu: true);

    private static unsafe void GatedParallel(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, bool gelu)
    {
        int n = gate.Length;
        if (up.Length != n || y.Length != n) throw new ArgumentException("gated activation: length mismatch");
        int threads = n >= 2 * SiluChunk ? KernelOptions.MaxThreads : 1;
        if (threads <= 1)
        {
            if (gelu) GeluTanhMul(gate, up, y, KernelOptions.Simd);
            else SiluMul(gate, up, y, KernelOptions.Simd);
            return;
        }
        fixed (float* g = gate, u = up, o = y)
            KernelParallel.Run(new GatedJob(g, u, o, n, gelu), (n + SiluChunk - 1) / SiluChunk, threads);
    }

    private const int SiluChunk = 1 << 14;

    private sealed unsafe class GatedJob(float* gate, float* up, float* y, int n, bool gelu) : ParallelJob
    {
        private readonly float* _gate = gate, _up = up, _y = y;

        public override void Run(int item)
        {
            int start = item * SiluChunk, length = Math.Min(SiluChunk, n - start);
            var g = new ReadOnlySpan<float>(_gate + start, length);
            var u = new ReadOnlySpan<float>(_up + start, length);
            var o = new Span<float>(_y + start, length);
            if (gelu) GeluTanhMul(g, u, o, KernelOptions.Simd);
            else SiluMul(g, u, o, KernelOptions.Simd);
        }
    }

    /// <summary>2·√(2/π) and 0.044715 of PyTorch's tanh-approximated GELU, in float32.</summary>
    private const float GeluTwoBeta = (float)(2 * 0.7978845608028654), GeluKappa = 0.044715f;

    internal static void GeluTanhMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, SimdLevel level) =>
        GatedMul<GeluTanhArgument>(gate, up, y, level);

    /// <summary>Σ a[i]·b[i].</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Dot(a, b, KernelOptions.Simd);

    /// <summary>y += alpha · x.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => Axpy(alpha, x, y, KernelOptions.Simd);

    /// <summary>x = exp(x − max x) / Σ exp(x − max x).</summary>
    public static void SoftmaxInPlace(Span<float> x) => SoftmaxInPlace(x, KernelOptions.Simd);

    /// <summary>y = a + b (y may alias a or b).</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Add(a, b, y, KernelOptions.Simd);

    /// <summary>x *= s.</summary>
    public static void Scale(Span<float> x, float s) => Scale(x, s, KernelOptions.Simd);

    // ---- level-explicit implementations (tests force each path) ----

    internal static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y, SimdLevel level)
    {
        int n = x.Length;
        if (weight.Length != n || y.Length != n) throw new ArgumentException("RmsNorm: length mismatch");
        if (n == 0) return;
        float ss = SumSquares(x, KernelOptions.Cap(level));
        float mean = ss / n;
        float r = 1f / MathF.Sqrt(mean + eps);
        level = KernelOptions.Cap(level);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var rv = Vector512.Create(r);
            for (; i <= n - 16; i += 16)
            {
                var h = Vector512.LoadUnsafe(ref xr, (nuint)i) * rv;
                (Vector512.LoadUnsafe(ref wr, (nuint)i) * h).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (level == SimdLevel.Vector256)
        {
            var rv = Vector256.Create(r);
            for (; i <= n - 8; i += 8)
            {
                var h = Vector256.LoadUnsafe(ref xr, (nuint)i) * rv;
                (Vector256.LoadUnsafe(ref wr, (nuint)i) * h).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float h = x[i] * r;
            y[i] = weight[i] * h;
        }
    }

    private static float SumSquares(ReadOnlySpan<float> x, SimdLevel level)
    {
        // Several independent accumulators: faster and closer to PyTorch's cascade sum than a single running sum.
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float s = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> a0 = default, a1 = default;
            for (; i <= n - 32; i += 32)
            {
                var v0 = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var v1 = Vector512.LoadUnsafe(ref xr, (nuint)(i + 16));
                a0 = Vector512.FusedMultiplyAdd(v0, v0, a0);
                a1 = Vector512.FusedMultiplyAdd(v1, v1, a1);
            }
            for (; i <= n - 16; i += 16)
            {
                var v0 = Vector512.LoadUnsafe(ref xr, (nuint)i);
                a0 = Vector512.FusedMultiplyAdd(v0, v0, a0);
            }
            s = Vector512.Sum(a0 + a1);
        }
        else if (level == SimdLevel.Vector256)
        {
            Vector256<float> a0 = default, a1 = default;
            for (; i <= n - 16; i += 16)
            {
                var v0 = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var v1 = Vector256.LoadUnsafe(ref xr, (nuint)(i + 8));
                a0 = Vector256.FusedMultiplyAdd(v0, v0, a0);
                a1 = Vector256.FusedMultiplyAdd(v1, v1, a1);
            }
            for (; i <= n - 8; i += 8)
            {
                var v0 = Vector256.LoadUnsafe(ref xr, (nuint)i);
                a0 = Vector256.FusedMultiplyAdd(v0, v0, a0);
            }
            s = Vector256.Sum(a0 + a1);
        }
        else
        {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; i <= n - 4; i += 4)
            {
                s0 += x[i] * x[i]; s1 += x[i + 1] * x[i + 1]; s2 += x[i + 2] * x[i + 2]; s3 += x[i + 3] * x[i + 3];
            }
            s = (s0 + s1) + (s2 + s3);
        }
        for (; i < n; i++) s += x[i] * x[i];
        return s;
    }

    internal static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, SimdLevel level) =>
        GatedMul<SiluArgument>(gate, up, y, level);

    /// <summary>
    /// The exponent a(g) of a gate written as g / (1 + exp(a(g))): SiLU is a = −g; PyTorch's
    /// tanh-approximated GELU is a = −2·√(2/π)·(g + 0.044715·g³), since
    /// 0.5·(1 + tanh(z)) = 1 / (1 + exp(−2z)). One small operator per activation over one driver.
    /// </summary>
    private interface IGateArgument
    {
        static abstract Vector512<float> Of(Vector512<float> g);
        static abstract Vector256<float> Of(Vector256<float> g);
        static abstract float Of(float g);
    }

    private readonly struct SiluArgument : IGateArgument
    {
        public static Vector512<float> Of(Vector512<float> g) => -g;
        public static Vector256<float> Of(Vector256<float> g) => -g;
        public static float Of(float g) => -g;
    }

    private readonly struct GeluTanhArgument : IGateArgument
    {
        public static Vector512<float> Of(Vector512<float> g) => (g + Vector512.Create(GeluKappa) * (g * g * g)) * Vector512.Create(-GeluTwoBeta);
        public static Vector256<float> Of(Vector256<float> g) => (g + Vector256.Create(GeluKappa) * (g * g * g)) * Vector256.Create(-GeluTwoBeta);
        public static float Of(float g) => (g + GeluKappa * (g * g * g)) * -GeluTwoBeta;
    }

    /// <summary>y = g / (1 + exp(a(g))) · up, elementwise, with the exp the softmax uses.</summary>
    private static void GatedMul<TArgument>(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, SimdLevel level)
        where TArgument : struct, IGateArgument
    {
        int n = gate.Length;
        if (up.Length != n || y.Length != n) throw new ArgumentException($"{typeof(TArgument).Name}: length mismatch");
        level = KernelOptions.Cap(level);
        ref float gr = ref MemoryMarshal.GetReference(gate);
        ref float ur = ref MemoryMarshal.GetReference(up);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var one = Vector512<float>.One;
            for (; i <= n - 16; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var s = g / (one + VectorExp.Exp(TArgument.Of(g)));
                (s * Vector512.LoadUnsafe(ref ur, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (level == SimdLevel.Vector256)
        {
            var one = Vector256<float>.One;
            for (; i <= n - 8; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var s = g / (one + VectorExp.Exp(TArgument.Of(g)));
                (s * Vector256.LoadUnsafe(ref ur, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = gate[i];
            y[i] = g / (1f + VectorExp.Exp(TArgument.Of(g))) * up[i];
        }
    }

    /// <summary>y = exp(x), the same exp the fused SiLU and softmax paths use (tested to ≤ 1 ulp).</summary>
    internal static void Exp(ReadOnlySpan<float> x, Span<float> y, SimdLevel level)
    {
        int n = x.Length;
        if (y.Length != n) throw new ArgumentException("Exp: length mismatch");
        level = KernelOptions.Cap(level);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (level == SimdLevel.Vector512)
            for (; i <= n - 16; i += 16) VectorExp.Exp(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        else if (level == SimdLevel.Vector256)
            for (; i <= n - 8; i += 8) VectorExp.Exp(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] = VectorExp.Exp(x[i]);
    }

    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimdLevel level)
    {
        int n = a.Length;
        if (b.Length != n) throw new ArgumentException("Dot: length mismatch");
        level = KernelOptions.Cap(level);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        int i = 0;
        float s;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i <= n - 64; i += 64)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)(i + 16)), Vector512.LoadUnsafe(ref br, (nuint)(i + 16)), s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)(i + 32)), Vector512.LoadUnsafe(ref br, (nuint)(i + 32)), s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)(i + 48)), Vector512.LoadUnsafe(ref br, (nuint)(i + 48)), s3);
            }
            for (; i <= n - 16; i += 16)
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i), s0);
            s = Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        else if (level == SimdLevel.Vector256)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i <= n - 32; i += 32)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)(i + 8)), Vector256.LoadUnsafe(ref br, (nuint)(i + 8)), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)(i + 16)), Vector256.LoadUnsafe(ref br, (nuint)(i + 16)), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)(i + 24)), Vector256.LoadUnsafe(ref br, (nuint)(i + 24)), s3);
            }
            for (; i <= n - 8; i += 8)
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i), s0);
            s = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        else
        {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; i <= n - 4; i += 4)
            {
                s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
            }
            s = (s0 + s1) + (s2 + s3);
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    internal static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y, SimdLevel level)
    {
        int n = x.Length;
        if (y.Length != n) throw new ArgumentException("Axpy: length mismatch");
        level = KernelOptions.Cap(level);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var av = Vector512.Create(alpha);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (level == SimdLevel.Vector256)
        {
            var av = Vector256.Create(alpha);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        // Fused in the tail too, so every element gets the same rounding whatever its position.
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    internal static void SoftmaxInPlace(Span<float> x, SimdLevel level)
    {
        int n = x.Length;
        if (n == 0) return;
        level = KernelOptions.Cap(level);
        ref float xr = ref MemoryMarshal.GetReference(x);
        float max = Max(x, level);
        if (float.IsNegativeInfinity(max))
        {
            // Fully masked row: PyTorch yields NaN here; callers must not pass one, so say so loudly.
            x.Fill(float.NaN);
            return;
        }
        int i = 0;
        float sum = 0;
        if (level == SimdLevel.Vector512)
        {
            var mv = Vector512.Create(max);
            Vector512<float> acc = default;
            for (; i <= n - 16; i += 16)
            {
                var e = VectorExp.Exp(Vector512.LoadUnsafe(ref xr, (nuint)i) - mv);
                e.StoreUnsafe(ref xr, (nuint)i);
                acc += e;
            }
            sum = Vector512.Sum(acc);
        }
        else if (level == SimdLevel.Vector256)
        {
            var mv = Vector256.Create(max);
            Vector256<float> acc = default;
            for (; i <= n - 8; i += 8)
            {
                var e = VectorExp.Exp(Vector256.LoadUnsafe(ref xr, (nuint)i) - mv);
                e.StoreUnsafe(ref xr, (nuint)i);
                acc += e;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            float e = VectorExp.Exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        Scale(x, 1f / sum, level);
    }

    private static float Max(ReadOnlySpan<float> x, SimdLevel level)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float m = float.NegativeInfinity;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            var mv = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - 16; i += 16) mv = Vector512.Max(mv, Vector512.LoadUnsafe(ref xr, (nuint)i));
            for (int l = 0; l < 16; l++) m = MathF.Max(m, mv[l]);
        }
        else if (level == SimdLevel.Vector256 && n >= 8)
        {
            var mv = Vector256.Create(float.NegativeInfinity);
            for (; i <= n - 8; i += 8) mv = Vector256.Max(mv, Vector256.LoadUnsafe(ref xr, (nuint)i));
            for (int l = 0; l < 8; l++) m = MathF.Max(m, mv[l]);
        }
        for (; i < n; i++) m = MathF.Max(m, x[i]);
        return m;
    }

    internal static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, SimdLevel level)
    {
        int n = a.Length;
        if (b.Length != n || y.Length != n) throw new ArgumentException("Add: length mismatch");
        level = KernelOptions.Cap(level);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (level == SimdLevel.Vector512)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref ar, (nuint)i) + Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        else if (level == SimdLevel.Vector256)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref ar, (nuint)i) + Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] = a[i] + b[i];
    }

    internal static void Scale(Span<float> x, float s, SimdLevel level)
    {
        int n = x.Length;
        level = KernelOptions.Cap(level);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - 16; i += 16) (Vector512.LoadUnsafe(ref xr, (nuint)i) * sv).StoreUnsafe(ref xr, (nuint)i);
        }
        else if (level == SimdLevel.Vector256)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref xr, (nuint)i) * sv).StoreUnsafe(ref xr, (nuint)i);
        }
        for (; i < n; i++) x[i] *= s;
    }
}
