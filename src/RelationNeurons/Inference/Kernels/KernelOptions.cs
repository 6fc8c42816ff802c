using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RelationNeurons.Inference.Kernels;

/// <summary>Widest vector instruction set a kernel may use.</summary>
public enum SimdLevel { Scalar = 0, Vector256 = 1, Vector512 = 2 }

/// <summary>
/// Process-wide knobs of the numeric kernels. Set once at startup (CLI / bench); tests pass
/// explicit levels and thread counts to the internal overloads instead of mutating these.
/// </summary>
public static class KernelOptions
{
    /// <summary>The best level this CPU supports (Vector256 needs AVX2+FMA, Vector512 needs AVX-512F).</summary>
    public static SimdLevel HardwareLevel { get; } = DetectHardware();

    private static SimdLevel _simd = HardwareLevel;
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Requested vector level; silently capped at <see cref="HardwareLevel"/>.</summary>
    public static SimdLevel Simd
    {
        get => _simd;
        set => _simd = Cap(value);
    }

    /// <summary>Upper bound on worker threads used by the matrix kernels (≥ 1). Results do not depend on it.</summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = Math.Max(1, value);
    }

    internal static SimdLevel Cap(SimdLevel level) => level > HardwareLevel ? HardwareLevel : level;

    private static SimdLevel DetectHardware()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported) return SimdLevel.Vector512;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported) return SimdLevel.Vector256;
        return SimdLevel.Scalar;
    }
}
