using System.Runtime.Intrinsics.X86;

namespace RelationNeurons.Inference.Kernels;

/// <summary>CPU features the kernels check that .NET has no <c>IsSupported</c> for.</summary>
public static class CpuFeatures
{
    /// <summary>
    /// AVX512_BF16 (CPUID leaf 7, sub-leaf 1, EAX bit 5), together with what the emitted bfloat16
    /// tiles also use: AVX-512 F/BW (whose <c>IsSupported</c> also says the OS saves the zmm and
    /// mask registers) and BMI2 (<c>shlx</c>).
    /// </summary>
    public static bool HasAvx512Bf16 { get; } = Detect();

    private static bool Detect()
    {
        if (!X86Base.IsSupported || !Avx512F.IsSupported || !Avx512BW.IsSupported || !Bmi2.IsSupported) return false;
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7) return false;
        var (maxSubLeaf, _, _, _) = X86Base.CpuId(7, 0);
        if (maxSubLeaf < 1) return false;
        var (eax, _, _, _) = X86Base.CpuId(7, 1);
        return (eax & (1 << 5)) != 0;
    }
}
