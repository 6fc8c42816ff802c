using System.Runtime.Intrinsics;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Widens a few rows of a 16-bit weight matrix into a small float32 panel (a per-thread buffer,
/// never the whole matrix). The values are exactly the ones the tiles would widen themselves,
/// so using the panel changes speed only, never results.
/// </summary>
internal static unsafe class WeightWidening
{
    public static void WidenRows(byte* src, WeightType type, int rows, int k, float* dst, SimdLevel level)
    {
        int es = type == WeightType.F32 ? 4 : 2;
        for (int r = 0; r < rows; r++)
        {
            byte* s = src + (nint)r * k * es;
            float* d = dst + (nint)r * k;
            int p = 0;
            if (level == SimdLevel.Vector512)
            {
                if (type == WeightType.F16)
                    for (; p <= k - 16; p += 16) F16Load.Load512(s + p * 2).Store(d + p);
                else if (type == WeightType.BF16)
                    for (; p <= k - 16; p += 16) BF16Load.Load512(s + p * 2).Store(d + p);
            }
            else if (level == SimdLevel.Vector256)
            {
                if (type == WeightType.F16)
                    for (; p <= k - 8; p += 8) F16Load.Load256(s + p * 2).Store(d + p);
                else if (type == WeightType.BF16)
                    for (; p <= k - 8; p += 8) BF16Load.Load256(s + p * 2).Store(d + p);
            }
            for (; p < k; p++) d[p] = DotTiles.Widen(s, type, p);
        }
    }
}
