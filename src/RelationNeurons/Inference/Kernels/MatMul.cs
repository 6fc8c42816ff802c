namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// The matrix products of the forward pass. Placeholder that forwards to the scalar reference
/// until the register-blocked SIMD kernels land (same signature).
/// </summary>
public static class MatMul
{
    /// <summary>y[m×n] = x[m×k] · Wᵀ where W is [n×k] in its stored type; y is overwritten.</summary>
    public static void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y) =>
        MatMulReference.Multiply(x, m, w, y);
}
