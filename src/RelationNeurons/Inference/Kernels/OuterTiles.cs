using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Register-blocked outer-product tiles for c = A·B with B row-major over the output columns:
/// each output element is a single fused multiply-add chain over p = 0..k−1 from +0, in the
/// SIMD tiles and the scalar code alike, so results are the same for every blocking, thread
/// count and level. A(i, p) is addressed as a[i·sai + p·sap], which serves both A [m×k] (NN)
/// and Aᵀ stored [k×m] (TN). The accumulators are generated (OuterTiles.g.cs).
/// </summary>
internal static unsafe partial class OuterTiles
{
    /// <summary>(rows, columns) of the widest tile of a level; columns are NV vectors of 16 or 8 floats.</summary>
    internal static (int Mr, int Cols, int Lanes) Shape(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => (MR512, NV512 * 16, 16),
        SimdLevel.Vector256 => (MR256, NV256 * 8, 8),
        _ => (4, 16, 1),
    };

    internal static delegate*<float*, nint, nint, float*, nint, int, float*, nint, bool, float*, int, void> Tile(SimdLevel level, int mr, int nv)
    {
        var (table, nvMax) = level == SimdLevel.Vector512 ? (Table512, NV512) : (Table256, NV256);
        return (delegate*<float*, nint, nint, float*, nint, int, float*, nint, bool, float*, int, void>)table[(mr - 1) * nvMax + (nv - 1)];
    }

    /// <summary>Mode bits for k-chunked runs: start from / end with the raw accumulators in <c>part</c> (exact, so chains are unchanged).</summary>
    internal const int LoadPartials = 1, StorePartials = 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> v, bool accumulate)
    {
        if (accumulate) v = Vector512.Load(c) + v;
        v.Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> v, bool accumulate)
    {
        if (accumulate) v = Vector256.Load(c) + v;
        v.Store(c);
    }

    /// <summary>Scalar form of the same chains: column tails and the no-SIMD fallback.</summary>
    internal static void TileScalar(float* a, nint sai, nint sap, float* b, nint ldb, int k, int mr, int nc, float* c, nint ldc, bool accumulate)
    {
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nc; j++)
            {
                float acc = 0f;  // whole k in one chain: the scalar path is never k-chunked
                float* ai = a + i * sai;
                for (int p = 0; p < k; p++) acc = MathF.FusedMultiplyAdd(ai[p * sap], b[p * ldb + j], acc);
                float* cij = c + i * ldc + j;
                *cij = accumulate ? *cij + acc : acc;
            }
    }
}
