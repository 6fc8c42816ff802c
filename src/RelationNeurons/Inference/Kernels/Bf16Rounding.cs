using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// float32 → bfloat16 exactly as PyTorch's <c>c10::BFloat16</c> (round_to_nearest_even): NaN
/// becomes the quiet NaN 0x7FC0, every other value (infinities and denormals included) is rounded
/// to nearest, ties to even, by adding 0x7FFF plus the kept part's lowest bit and dropping the
/// low 16 bits. Values too large round to ±infinity, as there.
/// </summary>
public static class Bf16Rounding
{
    /// <summary>bfloat16 bits of <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ToBf16(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint u = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((u + 0x7FFFu + ((u >> 16) & 1)) >> 16);
    }

    /// <summary>The float32 value of bfloat16 bits (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToFloat(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary><paramref name="value"/> rounded to the nearest bfloat16, as a float32.</summary>
    public static float Round(float value) => ToFloat(ToBf16(value));

    /// <summary>bfloat16 bits of every element of <paramref name="source"/>.</summary>
    public static unsafe void ToBf16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source");
        fixed (float* s = source)
        fixed (ushort* d = destination)
        {
            int i = 0;
            if (Avx512F.IsSupported)
                for (; i <= source.Length - 16; i += 16)
                    Avx512F.ConvertToVector256UInt16(Round16(Vector512.Load((uint*)s + i))).Store(d + i);
            for (; i < source.Length; i++) d[i] = ToBf16(s[i]);
        }
    }

    /// <summary>Every element of <paramref name="source"/> rounded to bfloat16 and widened back to float32.</summary>
    public static unsafe void Round(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source");
        fixed (float* s = source, d = destination)
        {
            int i = 0;
            if (Avx512F.IsSupported)
                for (; i <= source.Length - 16; i += 16)
                    (Round16(Vector512.Load((uint*)s + i)) << 16).AsSingle().Store(d + i);
            for (; i < source.Length; i++) d[i] = Round(s[i]);
        }
    }

    /// <summary>The scalar rule on 16 lanes: bfloat16 bits in the low half of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round16(Vector512<uint> u)
    {
        var rounded = (u + Vector512.Create(0x7FFFu) + ((u >> 16) & Vector512<uint>.One)) >> 16;
        var nan = Vector512.GreaterThan(u & Vector512.Create(0x7FFFFFFFu), Vector512.Create(0x7F800000u));
        return Vector512.ConditionalSelect(nan, Vector512.Create(0x7FC0u), rounded);
    }
}
