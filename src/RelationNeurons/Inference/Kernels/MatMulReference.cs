using RelationNeurons.Tensors;
namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Plain scalar matrix products, accumulated in double: the reference every fast kernel is
/// tested against. Never used on a hot path.
/// </summary>
public static class MatMulReference
{
    /// <summary>y[m×n] = x[m×k] · Wᵀ where W is [n×k] in its stored type.</summary>
    public static void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y)
    {
        int k = w.Cols, n = w.Rows;
        if (x.Length < m * k || y.Length < m * n) throw new ArgumentException("buffer too small");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += (double)x[i * k + p] * w[j, p];
                y[i * n + j] = (float)sum;
            }
    }
}
