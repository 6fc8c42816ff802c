using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Packed operand panels for the float32 dot tiles (<c>DotTiles.Packed512/256</c>): a tile's
/// rows are laid side by side per 16-lane k-step, so that the tile reads one x stream and one W
/// stream instead of one per row (4 + 6 with the 4×6 tile). Measured on Zen 5 with both operands
/// changing from call to call (as in a product, out of L2): the row-major 4×6 tile 54 % of the FMA
/// peak, the same tile on packed panels 90 %. Every lane holds the same value at the same k as in
/// the row-major tile and lanes past k are zero (the canonical order's padding: fma(0, 0, acc)),
/// so packing changes speed only, never a result.
/// </summary>
internal static unsafe class DotPacking
{
    /// <summary>16-lane k-steps covering <paramref name="k"/> values (the last one zero-padded).</summary>
    public static int Steps(int k) => (k + 15) >> 4;

    /// <summary>
    /// What a packed W panel holds: float32 for F32 weights and for F16 (widened once while packing,
    /// ~7 vector operations per 16 weights that the tiles would otherwise repeat per row tile);
    /// BF16 stays BF16 (widening it costs the tile 2 operations and halves the bytes read).
    /// </summary>
    public static WeightType PanelType(WeightType stored) => stored == WeightType.BF16 ? WeightType.BF16 : WeightType.F32;

    /// <summary>
    /// Row tiles <paramref name="t0"/>..<paramref name="t1"/>−1 of x [m×k] into its panel: tile T,
    /// step s, row i at <c>dst + ((T·steps + s)·mr + i)·16</c>. Rows past m and lanes past k are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the calibration times the first products of a process: no tier-0 copy loops
    public static void PackRows(float* x, int m, int k, int mr, float* dst, int t0, int t1)
    {
        int steps = Steps(k), full = k >> 4;
        for (int t = t0; t < t1; t++)
            for (int i = 0; i < mr; i++)
            {
                int row = t * mr + i;
                float* d = dst + ((nint)t * steps * mr + i) * 16;
                nint stride = (nint)mr * 16;
                if (row >= m)
                {
                    for (int s = 0; s < steps; s++) Unsafe.InitBlockUnaligned(d + s * stride, 0, 64);
                    continue;
                }
                float* src = x + (nint)row * k;
                // Constant-size block copies: the JIT unrolls them into the widest vector moves the CPU has.
                for (int s = 0; s < full; s++) Unsafe.CopyBlockUnaligned(d + s * stride, src + s * 16, 64);
                if (full < steps)
                    for (int l = 0; l < 16; l++) d[full * stride + l] = full * 16 + l < k ? src[full * 16 + l] : 0f;
            }
    }

    /// <summary>
    /// <see cref="PackRows"/> of all of x, its row tiles split across up to <paramref name="threads"/>
    /// kernel threads: the copy is a memory-bound pass over x that on the caller alone left the
    /// other threads waiting (F16, M = 882, K = 2048, N = 256, 2 threads: 219 → 232 GFLOP/s).
    /// </summary>
    public static void PackRowsParallel(float* x, int m, int k, int mr, float* dst, int threads)
    {
        int tiles = (m + mr - 1) / mr;
        threads = KernelParallel.ThreadsFor((long)m * k, threads);
        var job = new PackRowsJob(x, m, k, mr, dst, Math.Max(1, (tiles + 4 * threads - 1) / (4 * threads)));
        KernelParallel.Run(job, (tiles + job.TilesPerItem - 1) / job.TilesPerItem, threads);
    }

    private sealed class PackRowsJob(float* x, int m, int k, int mr, float* dst, int tilesPerItem) : ParallelJob
    {
        public readonly int TilesPerItem = tilesPerItem;

        public override void Run(int item)
        {
            int t0 = item * TilesPerItem;
            PackRows(x, m, k, mr, dst, t0, Math.Min((m + mr - 1) / mr, t0 + TilesPerItem));
        }
    }

    /// <summary>
    /// W rows 0..<paramref name="rows"/>−1 (stored type, <paramref name="ldw"/> bytes apart), k values
    /// <paramref name="k0"/>..k0+<paramref name="len"/>−1, into <paramref name="nr"/>-row tiles of
    /// <see cref="PanelType"/> elements: tile u, step s, row j at element <c>((u·steps + s)·nr + j)·16</c>,
    /// with steps = <see cref="Steps"/>(len). Rows past the last and lanes past len are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackWeights(byte* w, WeightType type, nint ldw, int rows, int k0, int len, int nr, byte* dst, SimdLevel level)
    {
        int es = type == WeightType.F32 ? 4 : 2;
        int pes = PanelType(type) == WeightType.F32 ? 4 : 2;
        int steps = Steps(len), full = len >> 4, tiles = (rows + nr - 1) / nr;
        nint stride = (nint)nr * 16 * pes;
        for (int u = 0; u < tiles; u++)
            for (int j = 0; j < nr; j++)
            {
                int row = u * nr + j;
                byte* d = dst + ((nint)u * steps * nr + j) * 16 * pes;
                if (row >= rows)
                {
                    for (int s = 0; s < steps; s++) Unsafe.InitBlockUnaligned(d + s * stride, 0, (uint)(16 * pes));
                    continue;
                }
                byte* src = w + row * ldw + (nint)k0 * es;
                if (type == WeightType.F16)
                    for (int s = 0; s < full; s++) WidenHalf16(src + s * 32, (float*)(d + s * stride), level);
                else if (pes == 4)
                    for (int s = 0; s < full; s++) Unsafe.CopyBlockUnaligned(d + s * stride, src + s * 64, 64);
                else
                    for (int s = 0; s < full; s++) Unsafe.CopyBlockUnaligned(d + s * stride, src + s * 32, 32);
                if (full < steps)
                {
                    byte* tail = d + full * stride;
                    for (int l = 0; l < 16; l++)
                    {
                        int p = full * 16 + l;
                        if (pes == 4) ((float*)tail)[l] = p < len ? DotTiles.Widen(src, type, p) : 0f;
                        else ((ushort*)tail)[l] = p < len ? ((ushort*)src)[p] : (ushort)0;
                    }
                }
            }
    }

    /// <summary>16 F16 weights widened to float32, exactly as the tiles' <see cref="F16Load"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WidenHalf16(byte* src, float* dst, SimdLevel level)
    {
        if (level == SimdLevel.Vector512) F16Load.Load512(src).Store(dst);
        else
        {
            F16Load.Load256(src).Store(dst);
            F16Load.Load256(src + 16).Store(dst + 8);
        }
    }
}
