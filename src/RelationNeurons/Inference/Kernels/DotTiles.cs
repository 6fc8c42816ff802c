using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Register-blocked tiles of y = x·Wᵀ with both operands k-contiguous: MR rows of x against NR
/// rows of W, every accumulator a vector of 16 k-lanes (<see cref="CanonicalOrder"/>). The
/// generated half (DotTiles.g.cs, from TileGenerator.py) spells out the accumulators; this half
/// holds the scalar tile and the shape → instantiation lookup.
/// </summary>
// Without it every tile call zero-fills its stack scratch (zero-padded tail copies, ~0.9 KB) before
// use, a fixed cost per call that weighs on short k; each buffer is fully written before it is read.
[SkipLocalsInit]
internal static unsafe partial class DotTiles
{

    /// <summary>Tile mode bits for k-blocked runs: start from / end with the raw 16-lane partial accumulators in <c>part</c>.</summary>
    internal const int LoadPartials = 1, StorePartials = 2;

    /// <summary>Tile-shape limits (rows of x, rows of W) for a level.</summary>
    internal static (int Mr, int Nr) Shape(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => (4, NR512),
        SimdLevel.Vector256 => (MR256, NR256),
        _ => (4, 4),
    };

    /// <summary>
    /// Tile for a row block of at most this many rows taken in one pass (Vector512: up to 8 rows ×
    /// 24/rows W rows), so small batches (generation) read each weight once; 0 = no such tiles.
    /// </summary>
    internal static int WideRows(SimdLevel level) => level == SimdLevel.Vector512 ? MR512 : 0;

    internal static int WideCols(SimdLevel level, int rows) => Math.Min(NR512, MaxAcc512 / rows);

    /// <summary>Function pointer of the SIMD tile for an exact shape (mr ≤ MR, nr ≤ NR of the level).</summary>
    internal static delegate*<float*, nint, byte*, nint, int, float*, nint, bool, float*, int, void> Tile(SimdLevel level, WeightType type, int mr, int nr)
    {
        nint[] table = (level, type) switch
        {
            (SimdLevel.Vector512, WeightType.F32) => Table512F32,
            (SimdLevel.Vector512, WeightType.BF16) => Table512BF16,
            (SimdLevel.Vector512, WeightType.F16) => Table512F16,
            (SimdLevel.Vector256, WeightType.F32) => Table256F32,
            (SimdLevel.Vector256, WeightType.BF16) => Table256BF16,
            (SimdLevel.Vector256, WeightType.F16) => Table256F16,
            _ => throw new ArgumentOutOfRangeException(nameof(level)),
        };
        return Entry(table, level, mr, nr);
    }

    /// <summary>
    /// The tile of an exact shape on packed panels (<see cref="DotPacking"/>): x at step s, row i is
    /// <c>x + s·xStep + 16·i</c>; W of <paramref name="panelType"/> (F32 or BF16) at step s, row j is
    /// <c>w + s·wStep + 16·j·es</c> bytes; <c>k</c> is the number of 16-lane steps. Same arguments' types as <see cref="Tile"/>.
    /// </summary>
    internal static delegate*<float*, nint, byte*, nint, int, float*, nint, bool, float*, int, void> PackedTile(SimdLevel level, WeightType panelType, int mr, int nr)
    {
        nint[] table = (level, panelType) switch
        {
            (SimdLevel.Vector512, WeightType.F32) => TablePacked512F32,
            (SimdLevel.Vector512, WeightType.BF16) => TablePacked512BF16,
            (SimdLevel.Vector256, WeightType.F32) => TablePacked256F32,
            (SimdLevel.Vector256, WeightType.BF16) => TablePacked256BF16,
            _ => throw new ArgumentOutOfRangeException(nameof(panelType)),
        };
        return Entry(table, level, mr, nr);
    }

    private static delegate*<float*, nint, byte*, nint, int, float*, nint, bool, float*, int, void> Entry(nint[] table, SimdLevel level, int mr, int nr)
    {
        int nrMax = level == SimdLevel.Vector512 ? NR512 : NR256;
        return (delegate*<float*, nint, byte*, nint, int, float*, nint, bool, float*, int, void>)table[(mr - 1) * nrMax + (nr - 1)];
    }

    /// <summary>Zero-padded 16-wide copies of the last partial k-block of each row (call-free on purpose).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PadTail(float* src, int slots, int used, nint ld, float* dst, nint from, int count)
    {
        for (int s = 0; s < slots; s++)
            for (int t = 0; t < 16; t++)
                dst[s * 16 + t] = s < used && t < count ? src[s * ld + from + t] : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PadTail(byte* src, int slots, int used, nint ld, byte* dst, nint slotBytes, nint from, nint count)
    {
        for (int s = 0; s < slots; s++)
            for (nint t = 0; t < slotBytes; t++)
                dst[s * slotBytes + t] = s < used && t < count ? src[s * ld + from + t] : (byte)0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* y, float v, bool accumulate) => *y = accumulate ? *y + v : v;

    /// <summary>Lanes 0..count−1 set: a row of a tile's results.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RowMask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>
    /// The masked lanes of <paramref name="v"/> to y (y + v with <paramref name="accumulate"/>):
    /// one masked store instead of a scalar store per result, which cost ~35 ns per tile call
    /// (the results went through a stack buffer and scalar reloads). Lanes outside the mask are
    /// neither read nor written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* y, Vector512<float> v, Vector512<float> mask, bool accumulate)
    {
        if (accumulate) v = Avx512F.MaskLoad(y, mask, Vector512<float>.Zero) + v;
        Avx512F.MaskStore(y, mask, v);
    }

    /// <summary>The canonical order in plain scalar code: the fallback path and the bit-exact oracle for the SIMD tiles.</summary>
    internal static void TileScalar(float* x, nint ldx, byte* w, nint ldw, WeightType type, int k, int mr, int nr, float* y, nint ldy, bool accumulate)
    {
        Span<float> lanes = stackalloc float[CanonicalOrder.Lanes];
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++)
            {
                lanes.Clear();
                float* xr = x + i * ldx;
                byte* wr = w + j * ldw;
                for (int p0 = 0; p0 < k; p0 += CanonicalOrder.Lanes)
                    for (int l = 0; l < CanonicalOrder.Lanes; l++)
                    {
                        int p = p0 + l;
                        float xv = p < k ? xr[p] : 0f, wv = p < k ? Widen(wr, type, p) : 0f;
                        lanes[l] = MathF.FusedMultiplyAdd(xv, wv, lanes[l]);
                    }
                Store(y + i * ldy + j, CanonicalOrder.Reduce(lanes), accumulate);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Widen(byte* row, WeightType type, int p) => type switch
    {
        WeightType.F32 => ((float*)row)[p],
        WeightType.F16 => (float)BitConverter.UInt16BitsToHalf(((ushort*)row)[p]),
        _ => BitConverter.UInt32BitsToSingle((uint)((ushort*)row)[p] << 16),
    };
}
