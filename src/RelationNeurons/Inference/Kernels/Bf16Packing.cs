using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// The VNNI layout the emitted bfloat16 tiles read (<see cref="Jit.Bf16TileEmitter"/>): W [n×k]
/// (bfloat16, row-major, k-contiguous) cut into panels of 16 output columns; for pair p = (2p,
/// 2p + 1) of k, one 64-byte line holds, for each column c of the panel, the dword (W[c][2p] in
/// the low half, W[c][2p + 1] in the high half). Packed per column block and k-slice into a
/// per-thread buffer just before use (a packed copy of the whole model would double its memory):
/// panel q of the slice, line t (pair p0 + t) at dword (q·pairs + t)·16. Elements past k and
/// columns past n are packed as +0 and never read from W.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Bf16Packing
{
    public const int Panel = 16;

    /// <summary>Packs columns [c0, c0 + cols) of W, pairs [p0, p0 + pairs), into <paramref name="dst"/> (64-byte aligned).</summary>
    public static void Pack(ushort* w, int n, int k, int c0, int cols, int p0, int pairs, uint* dst)
    {
        int panels = (cols + Panel - 1) / Panel;
        for (int q = 0; q < panels; q++)
        {
            int c = c0 + q * Panel;
            uint* panel = dst + (nint)q * pairs * Panel;
            int t = 0;
            // Whole 16×16 blocks (16 columns × 16 pairs inside k) by transposition; the edges by the scalar rule.
            if (Avx512F.IsSupported && c + Panel <= n)
                for (; t + 16 <= pairs && 2 * (p0 + t + 16) <= k; t += 16)
                    Transpose16(w + (nint)c * k + 2 * (p0 + t), k, panel + (nint)t * Panel);
            if (t < pairs) PackScalar(w, n, k, c, Math.Min(Panel, c0 + cols - c), p0 + t, pairs - t, panel + (nint)t * Panel);
        }
    }

    /// <summary>
    /// The rule itself for one panel of <paramref name="cols"/> ≤ 16 columns starting at
    /// <paramref name="c"/>: pairs [p0, p0 + count) to lines of 16 dwords (columns ≥ cols zero).
    /// </summary>
    public static void PackScalar(ushort* w, int n, int k, int c, int cols, int p0, int count, uint* dst)
    {
        for (int t = 0; t < count; t++)
        {
            int e = 2 * (p0 + t);
            for (int l = 0; l < Panel; l++)
            {
                int col = c + l;
                uint lo = 0, hi = 0;
                if (l < cols && col < n)
                {
                    ushort* row = w + (nint)col * k;
                    if (e < k) lo = row[e];
                    if (e + 1 < k) hi = row[e + 1];
                }
                dst[t * Panel + l] = lo | hi << 16;
            }
        }
    }

    /// <summary>
    /// 16 rows of W (16 pairs each, one zmm per row) to 16 lines (16 columns each): the 16×16
    /// dword transpose in four stages of 16 shuffles (32-bit and 64-bit unpacks inside each
    /// 128-bit lane, then two rounds of 128-bit lane shuffles). Too large for the inliner, so a
    /// call of its own, optimized from the first call (at tier 0 every intrinsic is a call: 15× slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Transpose16(ushort* src, int k, uint* dst)
    {
        nint ld = k; // in ushorts
        var r0 = Vector512.Load((uint*)src); var r1 = Vector512.Load((uint*)(src + ld));
        var r2 = Vector512.Load((uint*)(src + 2 * ld)); var r3 = Vector512.Load((uint*)(src + 3 * ld));
        var r4 = Vector512.Load((uint*)(src + 4 * ld)); var r5 = Vector512.Load((uint*)(src + 5 * ld));
        var r6 = Vector512.Load((uint*)(src + 6 * ld)); var r7 = Vector512.Load((uint*)(src + 7 * ld));
        var r8 = Vector512.Load((uint*)(src + 8 * ld)); var r9 = Vector512.Load((uint*)(src + 9 * ld));
        var r10 = Vector512.Load((uint*)(src + 10 * ld)); var r11 = Vector512.Load((uint*)(src + 11 * ld));
        var r12 = Vector512.Load((uint*)(src + 12 * ld)); var r13 = Vector512.Load((uint*)(src + 13 * ld));
        var r14 = Vector512.Load((uint*)(src + 14 * ld)); var r15 = Vector512.Load((uint*)(src + 15 * ld));

        // Stage 1: rows 2i, 2i+1 interleaved by dword.
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);

        // Stage 2: u[4i + j], 128-bit lane L = pair 4L + j of rows 4i..4i+3.
        var u0 = Lo64(t0, t2); var u1 = Hi64(t0, t2); var u2 = Lo64(t1, t3); var u3 = Hi64(t1, t3);
        var u4 = Lo64(t4, t6); var u5 = Hi64(t4, t6); var u6 = Lo64(t5, t7); var u7 = Hi64(t5, t7);
        var u8 = Lo64(t8, t10); var u9 = Hi64(t8, t10); var u10 = Lo64(t9, t11); var u11 = Hi64(t9, t11);
        var u12 = Lo64(t12, t14); var u13 = Hi64(t12, t14); var u14 = Lo64(t13, t15); var u15 = Hi64(t13, t15);

        // Stages 3 and 4: line 4L + j = lane L of u[j], u[4 + j], u[8 + j], u[12 + j].
        Lines(u0, u4, u8, u12, dst);
        Lines(u1, u5, u9, u13, dst + 16);
        Lines(u2, u6, u10, u14, dst + 32);
        Lines(u3, u7, u11, u15, dst + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Lo64(Vector512<uint> a, Vector512<uint> b) => Avx512F.UnpackLow(a.AsUInt64(), b.AsUInt64()).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Hi64(Vector512<uint> a, Vector512<uint> b) => Avx512F.UnpackHigh(a.AsUInt64(), b.AsUInt64()).AsUInt32();

    /// <summary>Lines j, 4 + j, 8 + j, 12 + j (dst points at line j; lines 64 dwords apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines(Vector512<uint> a0, Vector512<uint> a1, Vector512<uint> a2, Vector512<uint> a3, uint* dst)
    {
        var even01 = Avx512F.Shuffle4x128(a0, a1, 0b10_00_10_00); // lanes 0, 2 of a0, then of a1
        var odd01 = Avx512F.Shuffle4x128(a0, a1, 0b11_01_11_01);  // lanes 1, 3
        var even23 = Avx512F.Shuffle4x128(a2, a3, 0b10_00_10_00);
        var odd23 = Avx512F.Shuffle4x128(a2, a3, 0b11_01_11_01);
        Avx512F.Shuffle4x128(even01, even23, 0b10_00_10_00).Store(dst);          // lane 0
        Avx512F.Shuffle4x128(odd01, odd23, 0b10_00_10_00).Store(dst + 4 * 16);   // lane 1
        Avx512F.Shuffle4x128(even01, even23, 0b11_01_11_01).Store(dst + 8 * 16); // lane 2
        Avx512F.Shuffle4x128(odd01, odd23, 0b11_01_11_01).Store(dst + 12 * 16);  // lane 3
    }
}
