using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RelationNeurons.Training;

/// <summary>
/// The three matrix products a linear layer needs forward and backward, over row-major arrays:
/// NT: C[m×n] (+)= A[m×k]·B[n×k]ᵀ (forward, x·Wᵀ); NN: C[m×n] (+)= A[m×k]·B[k×n] (input gradient,
/// dy·W); TN: C[m×n] (+)= A[k×m]ᵀ·B[k×n] (weight gradient, dyᵀ·x). float32 goes to the fast
/// multi-threaded kernels; any other type (float64 in gradient checks) to a plain loop, so the same
/// model code runs in both precisions.
/// </summary>
internal static class Gemm
{
    public static void NT<T>(T[] a, T[] b, T[] c, int m, int n, int k, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(a, m * k, b, n * k, c, m * n);
        if (typeof(T) == typeof(float)) { FastF32.NT(As(a), As(b), As(c), m, n, k, accumulate); return; }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = accumulate ? c[i * n + j] + s : s;
            }
    }

    public static void NN<T>(T[] a, T[] b, T[] c, int m, int n, int k, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(a, m * k, b, k * n, c, m * n);
        if (typeof(T) == typeof(float)) { FastF32.NN(As(a), As(b), As(c), m, n, k, accumulate); return; }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = accumulate ? c[i * n + j] + s : s;
            }
    }

    public static void TN<T>(T[] a, T[] b, T[] c, int m, int n, int k, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(a, k * m, b, k * n, c, m * n);
        if (typeof(T) == typeof(float)) { FastF32.TN(As(a), As(b), As(c), m, n, k, accumulate); return; }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s += a[p * m + i] * b[p * n + j];
                c[i * n + j] = accumulate ? c[i * n + j] + s : s;
            }
    }

    private static void Check<T>(T[] a, int na, T[] b, int nb, T[] c, int nc)
    {
        if (a.Length < na || b.Length < nb || c.Length < nc)
            throw new ArgumentException($"matrix buffers too small: {a.Length}/{na}, {b.Length}/{nb}, {c.Length}/{nc}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float[] As<T>(T[] x) => Unsafe.As<float[]>(x);
}

/// <summary>
/// Stand-in float32 kernels (vectorised, parallel over output rows; every output element sums its
/// products in one fixed order, so results do not depend on the thread count).
/// </summary>
internal static class FastF32
{
    private const int RowBlock = 16;

    public static void NT(float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate)
    {
        int blocks = (m + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, blk =>
        {
            int i0 = blk * RowBlock, i1 = Math.Min(m, i0 + RowBlock);
            for (int i = i0; i < i1; i++)
            {
                var ar = new ReadOnlySpan<float>(a, i * k, k);
                var cr = new Span<float>(c, i * n, n);
                for (int j = 0; j < n; j++)
                {
                    float s = Dot(ar, new ReadOnlySpan<float>(b, j * k, k));
                    cr[j] = accumulate ? cr[j] + s : s;
                }
            }
        });
    }

    public static void NN(float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate)
    {
        int blocks = (m + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, blk =>
        {
            int i0 = blk * RowBlock, i1 = Math.Min(m, i0 + RowBlock);
            for (int i = i0; i < i1; i++)
            {
                var cr = new Span<float>(c, i * n, n);
                if (!accumulate) cr.Clear();
                for (int p = 0; p < k; p++)
                {
                    float s = a[i * k + p];
                    if (s != 0f) Axpy(s, new ReadOnlySpan<float>(b, p * n, n), cr);
                }
            }
        });
    }

    public static void TN(float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate)
    {
        int blocks = (m + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, blk =>
        {
            int i0 = blk * RowBlock, i1 = Math.Min(m, i0 + RowBlock);
            for (int i = i0; i < i1; i++)
            {
                var cr = new Span<float>(c, i * n, n);
                if (!accumulate) cr.Clear();
                for (int p = 0; p < k; p++)
                {
                    float s = a[p * m + i];
                    if (s != 0f) Axpy(s, new ReadOnlySpan<float>(b, p * n, n), cr);
                }
            }
        });
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        Vector<float> acc = Vector<float>.Zero;
        for (int i = 0; i < vx.Length; i++) acc = Vector.FusedMultiplyAdd(vx[i], vy[i], acc);
        float s = Vector.Sum(acc);
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    private static void Axpy(float s, ReadOnlySpan<float> x, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vs = new Vector<float>(s);
        for (int i = 0; i < vx.Length; i++) vy[i] = Vector.FusedMultiplyAdd(vs, vx[i], vy[i]);
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) y[i] += s * x[i];
    }
}
