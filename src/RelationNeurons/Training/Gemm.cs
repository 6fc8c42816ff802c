using System.Numerics;
using System.Runtime.CompilerServices;
using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Training;

/// <summary>
/// The three matrix products a linear layer needs forward and backward, over row-major arrays:
/// NT: C[m×n] (+)= A[m×k]·B[n×k]ᵀ (forward, x·Wᵀ); NN: C[m×n] (+)= A[m×k]·B[k×n] (input gradient,
/// dy·W); TN: C[m×n] (+)= A[k×m]ᵀ·B[k×n] (weight gradient, dyᵀ·x). float32 goes to the shared
/// multi-threaded kernels (<see cref="MatMulF32"/>, deterministic for any thread count); any other type (float64 in gradient checks) to a plain loop, so the same
/// model code runs in both precisions.
/// </summary>
internal static class Gemm
{
    public static void NT<T>(T[] a, T[] b, T[] c, int m, int n, int k, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(a, m * k, b, n * k, c, m * n);
        if (typeof(T) == typeof(float)) { MatMulF32.MultiplyNT(As(a), As(b), As(c), m, n, k, accumulate); return; }
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
        if (typeof(T) == typeof(float)) { MatMulF32.MultiplyNN(As(a), As(b), As(c), m, n, k, accumulate); return; }
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
        if (typeof(T) == typeof(float)) { MatMulF32.MultiplyTN(As(a), As(b), As(c), m, n, k, accumulate); return; }
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
