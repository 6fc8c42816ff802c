using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RelationNeurons.Tensors;

/// <summary>
/// Vectorised row decoding for the matrix kernels: any stored row (float types, ggml blocks)
/// widened to float32. Each block uses exactly the float operations of
/// <see cref="DequantizeReference"/> (int→float conversion, then the same products and
/// differences, never fused), so the values are bit-identical to the scalar reference.
/// </summary>
public static unsafe class DequantizeRows
{
    /// <summary>Logical row <paramref name="row"/> of <paramref name="w"/> as float32 (Cols values).</summary>
    public static void Row(in WeightMatrix w, int row, Span<float> destination)
    {
        if (destination.Length < w.Cols) throw new ArgumentException("destination shorter than a row", nameof(destination));
        fixed (float* d = destination) Row(w, row, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Row(in WeightMatrix w, int row, float* dst)
    {
        byte* src = w.RowPointer(row);
        int cols = w.Cols;
        switch (w.Type)
        {
            case WeightType.F32:
                new ReadOnlySpan<float>(src, cols).CopyTo(new Span<float>(dst, cols));
                break;
            case WeightType.F16:
                for (int i = 0; i < cols; i++) dst[i] = (float)((Half*)src)[i];
                break;
            case WeightType.BF16:
                for (int i = 0; i < cols; i++) dst[i] = BitConverter.UInt32BitsToSingle((uint)((ushort*)src)[i] << 16);
                break;
            default:
                Blocks(w.Type, src, cols, dst);
                break;
        }
    }

    /// <summary>Dequantizes <paramref name="cols"/> elements (whole blocks) of a quantized row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blocks(WeightType type, byte* src, int cols, float* dst)
    {
        int be = QuantizedLayout.BlockElements(type), bb = QuantizedLayout.BlockBytes(type), blocks = cols / be;
        switch (type)
        {
            case WeightType.Q8_0: for (int b = 0; b < blocks; b++) Q8_0(src + b * bb, dst + b * be); break;
            case WeightType.Q4_0: for (int b = 0; b < blocks; b++) Q4_0(src + b * bb, dst + b * be); break;
            case WeightType.Q4_K: for (int b = 0; b < blocks; b++) Q4_K(src + b * bb, dst + b * be); break;
            case WeightType.Q6_K: for (int b = 0; b < blocks; b++) Q6_K(src + b * bb, dst + b * be); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a block type");
        }
    }

    /// <summary>
    /// IEEE half → float32 in a few integer ops (the (float)Half conversion is a slow software
    /// routine, paid once per 32-element block): exponent+mantissa moved into float position and
    /// rescaled by 2^112 (exact for normals and subnormals), inf/NaN patched, sign restored.
    /// Equal to (float)Half for every finite and infinite value (tested).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Half(byte* p)
    {
        uint h = Unsafe.ReadUnaligned<ushort>(p);
        uint em = (h & 0x7fff) << 13;
        uint bits = (h & 0x7c00) == 0x7c00 ? em | 0x7f800000 : BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(em) * BitConverter.UInt32BitsToSingle(0x77800000));
        return BitConverter.UInt32BitsToSingle(bits | ((h & 0x8000) << 16));
    }

    // Bit work is done in 16-bit lanes: x86 has no byte shifts, and .NET's emulated byte shifts are slow.

    /// <summary>16 small non-negative values minus <paramref name="bias"/>, as 2×8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) ToFloat(Vector256<ushort> q, int bias)
    {
        var (a, b) = Vector256.Widen(q);
        var bv = Vector256.Create(bias);
        return (Vector256.ConvertToSingle(a.AsInt32() - bv), Vector256.ConvertToSingle(b.AsInt32() - bv));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Widen16(Vector128<byte> b)
    {
        var (lo, hi) = Vector128.Widen(b);
        return Vector256.Create(lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q8_0(byte* b, float* y)
    {
        var d = Vector256.Create(Half(b));
        var (lo, hi) = Vector256.Widen(Vector256.Load((sbyte*)(b + 2)));
        var (i0, i1) = Vector256.Widen(lo);
        var (i2, i3) = Vector256.Widen(hi);
        (Vector256.ConvertToSingle(i0) * d).Store(y);
        (Vector256.ConvertToSingle(i1) * d).Store(y + 8);
        (Vector256.ConvertToSingle(i2) * d).Store(y + 16);
        (Vector256.ConvertToSingle(i3) * d).Store(y + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q4_0(byte* b, float* y)
    {
        var d = Vector256.Create(Half(b));
        var q = Widen16(Vector128.Load(b + 2));
        var (f0, f1) = ToFloat(q & Vector256.Create((ushort)0x0F), 8);
        var (f2, f3) = ToFloat(Vector256.ShiftRightLogical(q, 4), 8);
        (f0 * d).Store(y);
        (f1 * d).Store(y + 8);
        (f2 * d).Store(y + 16);
        (f3 * d).Store(y + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q4_K(byte* b, float* y)
    {
        float d = Half(b), min = Half(b + 2);
        byte* scales = b + 4, q = b + 16;
        var low4 = Vector256.Create((ushort)0x0F);
        for (int sub = 0; sub < 8; sub += 2, q += 32, y += 64)
        {
            var (sc1, mn1) = DequantizeReference.ScaleMinK4(sub, scales);
            var (sc2, mn2) = DequantizeReference.ScaleMinK4(sub + 1, scales);
            var v0 = Widen16(Vector128.Load(q));
            var v1 = Widen16(Vector128.Load(q + 16));
            Scaled(v0 & low4, v1 & low4, d * sc1, min * mn1, y);
            Scaled(Vector256.ShiftRightLogical(v0, 4), Vector256.ShiftRightLogical(v1, 4), d * sc2, min * mn2, y + 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scaled(Vector256<ushort> q0, Vector256<ushort> q1, float scale, float offset, float* y)
    {
        var s = Vector256.Create(scale);
        var o = Vector256.Create(offset);
        var (f0, f1) = ToFloat(q0, 0);
        var (f2, f3) = ToFloat(q1, 0);
        (f0 * s - o).Store(y);
        (f1 * s - o).Store(y + 8);
        (f2 * s - o).Store(y + 16);
        (f3 * s - o).Store(y + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q6_K(byte* b, float* y)
    {
        byte* ql = b, qh = b + 128;
        sbyte* sc = (sbyte*)(b + 192);
        float d = Half(b + 208);
        var low4 = Vector256.Create((ushort)0x0F);
        var two = Vector256.Create((ushort)3);
        for (int n = 0; n < 256; n += 128, ql += 64, qh += 32, sc += 8)
        {
            // 16 values at a time: l in [half·16, half·16 + 16) uses scale index s = half.
            for (int half = 0; half < 2; half++)
            {
                int o = half * 16;
                var l0 = Widen16(Vector128.Load(ql + o));
                var l1 = Widen16(Vector128.Load(ql + 32 + o));
                var h = Widen16(Vector128.Load(qh + o));
                Signed6((l0 & low4) | ((h & two) << 4), d * sc[half], y + n + o);
                Signed6((l1 & low4) | ((Vector256.ShiftRightLogical(h, 2) & two) << 4), d * sc[half + 2], y + n + 32 + o);
                Signed6(Vector256.ShiftRightLogical(l0, 4) | ((Vector256.ShiftRightLogical(h, 4) & two) << 4), d * sc[half + 4], y + n + 64 + o);
                Signed6(Vector256.ShiftRightLogical(l1, 4) | (Vector256.ShiftRightLogical(h, 6) << 4), d * sc[half + 6], y + n + 96 + o);
            }
        }
    }

    /// <summary>16 six-bit values minus 32, times <paramref name="scale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Signed6(Vector256<ushort> q, float scale, float* y)
    {
        var (f0, f1) = ToFloat(q, 32);
        var s = Vector256.Create(scale);
        (s * f0).Store(y);
        (s * f1).Store(y + 8);
    }
}
