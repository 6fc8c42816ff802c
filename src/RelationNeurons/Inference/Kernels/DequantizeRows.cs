using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RelationNeurons.Inference.Kernels;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Half(byte* p) => (float)BitConverter.UInt16BitsToHalf(Unsafe.ReadUnaligned<ushort>(p));

    /// <summary>32 small non-negative byte values minus <paramref name="bias"/>, as 4×8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) ToFloat(Vector256<byte> q, int bias)
    {
        var (lo, hi) = Vector256.Widen(q);
        var (a, b) = Vector256.Widen(lo);
        var (c, d) = Vector256.Widen(hi);
        var bv = Vector256.Create(bias);
        return (Vector256.ConvertToSingle(a.AsInt32() - bv), Vector256.ConvertToSingle(b.AsInt32() - bv),
                Vector256.ConvertToSingle(c.AsInt32() - bv), Vector256.ConvertToSingle(d.AsInt32() - bv));
    }

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

    private static void Q4_0(byte* b, float* y)
    {
        var d = Vector256.Create(Half(b));
        var q = Vector128.Load(b + 2);
        var nibbles = Vector256.Create(q & Vector128.Create((byte)0x0F), Vector128.ShiftRightLogical(q, 4));
        var (f0, f1, f2, f3) = ToFloat(nibbles, 8);
        (f0 * d).Store(y);
        (f1 * d).Store(y + 8);
        (f2 * d).Store(y + 16);
        (f3 * d).Store(y + 24);
    }

    private static void Q4_K(byte* b, float* y)
    {
        float d = Half(b), min = Half(b + 2);
        byte* scales = b + 4, q = b + 16;
        for (int sub = 0; sub < 8; sub += 2, q += 32, y += 64)
        {
            var (sc1, mn1) = DequantizeReference.ScaleMinK4(sub, scales);
            var (sc2, mn2) = DequantizeReference.ScaleMinK4(sub + 1, scales);
            var v = Vector256.Load(q);
            Scaled(v & Vector256.Create((byte)0x0F), d * sc1, min * mn1, y);
            Scaled(Vector256.ShiftRightLogical(v, 4), d * sc2, min * mn2, y + 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scaled(Vector256<byte> q, float scale, float offset, float* y)
    {
        var s = Vector256.Create(scale);
        var o = Vector256.Create(offset);
        var (f0, f1, f2, f3) = ToFloat(q, 0);
        (f0 * s - o).Store(y);
        (f1 * s - o).Store(y + 8);
        (f2 * s - o).Store(y + 16);
        (f3 * s - o).Store(y + 24);
    }

    private static void Q6_K(byte* b, float* y)
    {
        byte* ql = b, qh = b + 128;
        sbyte* sc = (sbyte*)(b + 192);
        float d = Half(b + 208);
        var low4 = Vector256.Create((byte)0x0F);
        var two = Vector256.Create((byte)3);
        for (int n = 0; n < 256; n += 128, ql += 64, qh += 32, sc += 8)
        {
            var l0 = Vector256.Load(ql);
            var l1 = Vector256.Load(ql + 32);
            var h = Vector256.Load(qh);
            Signed6((l0 & low4) | ((h & two) << 4), d * sc[0], d * sc[1], y + n);
            Signed6((l1 & low4) | ((Vector256.ShiftRightLogical(h, 2) & two) << 4), d * sc[2], d * sc[3], y + n + 32);
            Signed6(Vector256.ShiftRightLogical(l0, 4) | ((Vector256.ShiftRightLogical(h, 4) & two) << 4), d * sc[4], d * sc[5], y + n + 64);
            Signed6(Vector256.ShiftRightLogical(l1, 4) | (Vector256.ShiftRightLogical(h, 6) << 4), d * sc[6], d * sc[7], y + n + 96);
        }
    }

    /// <summary>32 six-bit values minus 32; the first 16 times <paramref name="s0"/>, the rest times <paramref name="s1"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Signed6(Vector256<byte> q, float s0, float s1, float* y)
    {
        var (f0, f1, f2, f3) = ToFloat(q, 32);
        var a = Vector256.Create(s0);
        var c = Vector256.Create(s1);
        (a * f0).Store(y);
        (a * f1).Store(y + 8);
        (c * f2).Store(y + 16);
        (c * f3).Store(y + 24);
    }
}
