using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RelationNeurons.Inference.Kernels;

/// <summary>A compile-time integer: generic tiles are instantiated per shape so the JIT drops unused accumulators.</summary>
internal interface IConst { static abstract int Value { get; } }
internal struct C1 : IConst { public static int Value => 1; }
internal struct C2 : IConst { public static int Value => 2; }
internal struct C3 : IConst { public static int Value => 3; }
internal struct C4 : IConst { public static int Value => 4; }
internal struct C5 : IConst { public static int Value => 5; }
internal struct C6 : IConst { public static int Value => 6; }
internal struct C7 : IConst { public static int Value => 7; }
internal struct C8 : IConst { public static int Value => 8; }

/// <summary>Loads stored weights widened to float32 (a compile-time choice per tile instantiation).</summary>
internal unsafe interface IWeightLoad
{
    static abstract int ElementSize { get; }
    /// <summary>16 consecutive elements at <paramref name="p"/> (Vector512 level only).</summary>
    static abstract Vector512<float> Load512(byte* p);
    /// <summary>8 consecutive elements at <paramref name="p"/> (Vector256 level, AVX2).</summary>
    static abstract Vector256<float> Load256(byte* p);
}

internal unsafe struct F32Load : IWeightLoad
{
    public static int ElementSize => 4;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(byte* p) => Vector512.Load((float*)p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(byte* p) => Vector256.Load((float*)p);
}

/// <summary>bfloat16 is the top half of a float32: zero-extend and shift; exact for every value.</summary>
internal unsafe struct BF16Load : IWeightLoad
{
    public static int ElementSize => 2;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(byte* p) =>
        Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Vector256.Load((ushort*)p)), 16).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(byte* p) =>
        Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(Vector128.Load((ushort*)p)), 16).AsSingle();
}

/// <summary>
/// IEEE half → float32 without F16C (not exposed by .NET): move exponent+mantissa into float
/// position and rescale by 2^112 (exact for normals and subnormals), patch inf/NaN, restore sign.
/// </summary>
internal unsafe struct F16Load : IWeightLoad
{
    public static int ElementSize => 2;
    private const uint Scale = 0x77800000; // 2^112 as float bits

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(byte* p) => Convert(Avx512F.ConvertToVector512UInt32(Vector256.Load((ushort*)p)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(byte* p) => Convert(Avx2.ConvertToVector256Int32(Vector128.Load((ushort*)p)).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Convert(Vector512<uint> h)
    {
        var em = (h & Vector512.Create(0x7fffu)) << 13;
        var f = em.AsSingle() * Vector512.Create(Scale).AsSingle();
        var infNan = Vector512.Equals(h & Vector512.Create(0x7c00u), Vector512.Create(0x7c00u));
        var bits = Vector512.ConditionalSelect(infNan, em | Vector512.Create(0x7f800000u), f.AsUInt32());
        return (bits | ((h & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Convert(Vector256<uint> h)
    {
        var em = (h & Vector256.Create(0x7fffu)) << 13;
        var f = em.AsSingle() * Vector256.Create(Scale).AsSingle();
        var infNan = Vector256.Equals(h & Vector256.Create(0x7c00u), Vector256.Create(0x7c00u));
        var bits = Vector256.ConditionalSelect(infNan, em | Vector256.Create(0x7f800000u), f.AsUInt32());
        return (bits | ((h & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }
}

/// <summary>
/// The one summation order every x·Wᵀ path uses, so results are bit-identical across SIMD
/// levels, batch sizes, blockings and thread counts: lane l (0..15) accumulates products
/// p ≡ l (mod 16) in increasing p with fused multiply-add from +0 (positions past k count as
/// fma(0, 0, acc)); then lanes are combined as t8[l] = v[l] + v[l+8], t4[l] = t8[l] + t8[l+4],
/// result = (t4[0] + t4[2]) + (t4[1] + t4[3]).
/// </summary>
internal static class CanonicalOrder
{
    public const int Lanes = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Reduce(Vector512<float> v) => Reduce8(v.GetLower() + v.GetUpper());

    /// <summary>Same order with the 16 lanes held as lanes 0–7 (<paramref name="lo"/>) and 8–15 (<paramref name="hi"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Reduce(Vector256<float> lo, Vector256<float> hi) => Reduce8(lo + hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce8(Vector256<float> t8)
    {
        var t4 = t8.GetLower() + t8.GetUpper();
        return (t4.GetElement(0) + t4.GetElement(2)) + (t4.GetElement(1) + t4.GetElement(3));
    }

    /// <summary>
    /// Sixteen reductions at once: lane i of the result is <c>Reduce(a_i)</c> bit for bit, because
    /// every step adds the same pairs as the scalar tree, only for several accumulators per
    /// instruction (halves of two accumulators side by side, then quarters of four, then pairs
    /// within 128-bit lanes). About 45 vector operations instead of ~10 per accumulator.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Reduce16(
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
        Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
        Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
    {
        // Accumulators enter in the slot order that makes the final lanes come out as 0..15.
        var b0 = Halves(a0, a4); var b1 = Halves(a2, a6); var b2 = Halves(a1, a5); var b3 = Halves(a3, a7);
        var b4 = Halves(a8, a12); var b5 = Halves(a10, a14); var b6 = Halves(a9, a13); var b7 = Halves(a11, a15);
        var c0 = Quarters(b0, b4); var c1 = Quarters(b1, b5); var c2 = Quarters(b2, b6); var c3 = Quarters(b3, b7);
        var d0 = Avx512F.Shuffle(c0, c2, 0x44) + Avx512F.Shuffle(c0, c2, 0xEE); // (e0+e2), (e1+e3) of each quarter sum
        var d1 = Avx512F.Shuffle(c1, c3, 0x44) + Avx512F.Shuffle(c1, c3, 0xEE);
        return Avx512F.Shuffle(d0, d1, 0x88) + Avx512F.Shuffle(d0, d1, 0xDD);
    }

    /// <summary>[t8 of a | t8 of b]: lanes l and l+8 of each accumulator added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    /// <summary>The four 4-lane t4 sums of the four accumulators held as halves in x and y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarters(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle4x128(x, y, 0x88) + Avx512F.Shuffle4x128(x, y, 0xDD);

    public static float Reduce(ReadOnlySpan<float> v)
    {
        Span<float> t8 = stackalloc float[8];
        for (int l = 0; l < 8; l++) t8[l] = v[l] + v[l + 8];
        Span<float> t4 = stackalloc float[4];
        for (int l = 0; l < 4; l++) t4[l] = t8[l] + t8[l + 4];
        return (t4[0] + t4[2]) + (t4[1] + t4[3]);
    }
}
