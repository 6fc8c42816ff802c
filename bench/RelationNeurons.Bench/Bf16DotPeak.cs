using System.Diagnostics;
using Iced.Intel;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Inference.Kernels.Jit;
using static Iced.Intel.AssemblerRegisters;

namespace RelationNeurons.Bench;

/// <summary>
/// The machine's bfloat16 dot-product peak: register-only <c>vdpbf16ps</c> chains (16 independent
/// accumulators, 32 multiply-adds per instruction) on every thread, assembled with Iced as the
/// engine's tiles are. The ceiling the bf16 GFLOP/s figures are compared with; 0 without AVX512_BF16.
/// </summary>
internal static unsafe class Bf16DotPeak
{
    public static double Measure(int threads)
    {
        if (!CpuFeatures.HasAvx512Bf16) return 0;
        using var code = new ExecutableMemory(Assemble());
        var chains = (delegate* unmanaged<long, void>)code.Base;
        const long iters = 10_000_000;
        double best = FmaPeak.FastestSeconds(threads, () => chains(iters));
        return threads * iters * 16.0 * 32 * 2 / best / 1e9; // 16 instructions × 32 pairs' elements × 2 flops
    }

    /// <summary><c>void chains(long iterations)</c>: zmm0..15 += dot(zmm16, zmm17) per iteration.</summary>
    private static byte[] Assemble()
    {
        var a = new Assembler(64);
        a.vpxord(zmm16, zmm16, zmm16);
        a.vpxord(zmm17, zmm17, zmm17);
        for (int t = 0; t < 16; t++) a.vpxord(new AssemblerRegisterZMM(Register.ZMM0 + t), new AssemblerRegisterZMM(Register.ZMM0 + t), new AssemblerRegisterZMM(Register.ZMM0 + t));
        var loop = a.CreateLabel();
        a.Label(ref loop);
        for (int t = 0; t < 16; t++) a.vdpbf16ps(new AssemblerRegisterZMM(Register.ZMM0 + t), zmm16, zmm17);
        a.dec(rdi);
        a.jnz(loop);
        a.vzeroupper();
        a.ret();
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), 0);
        return stream.ToArray();
    }
}
