using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RelationNeurons.Bench;

/// <summary>The machine's float32 FMA peak, the ceiling every GFLOP/s figure of the benchmarks is compared with.</summary>
internal static class FmaPeak
{
    /// <summary>
    /// Register-only FMA chains on every thread: the arithmetic ceiling the GEMM figures are
    /// compared with. A ceiling, so the fastest of several repetitions (a median would count a
    /// neighbour's time slice against the machine); the loop is compiled fully optimised at once.
    /// At the widest vector the hardware runs: on an AVX2-only CPU a Vector512 is emulated, so its
    /// chains would measure the emulation, not the FMA units the Vector256 kernels use.
    /// </summary>
    public static double Measure(int threads, bool cpuClock = false)
    {
        const long iters = 20_000_000;
        bool wide = Vector512.IsHardwareAccelerated;
        double best = FastestSeconds(threads, wide ? () => Chains(iters) : () => Chains256(iters), cpuClock);
        return threads * iters * (wide ? 16.0 * Vector512<float>.Count : 12.0 * Vector256<float>.Count) * 2 / best / 1e9; // chains × lanes × 2 flops
    }

    /// <summary>The vector width <see cref="Measure"/> uses on this machine, for reports.</summary>
    public static string Width => Vector512.IsHardwareAccelerated ? "512-bit" : "256-bit";

    /// <summary>
    /// The fastest of seven timed repetitions (after one warm-up) of <paramref name="perThread"/>
    /// run on every thread at once: a ceiling, so not a median. With <paramref name="cpuClock"/>
    /// the time is process CPU time / threads (as `gemm --clock cpu` times the products), so that
    /// on a loaded machine the ceiling and the products are measured alike.
    /// </summary>
    internal static double FastestSeconds(int threads, Action perThread, bool cpuClock = false)
    {
        double best = double.MaxValue;
        for (int r = 0; r < 8; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var c0 = Environment.CpuUsage.TotalTime;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => perThread());
            double sec = cpuClock ? (Environment.CpuUsage.TotalTime - c0).TotalSeconds / threads : Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (r > 0) best = Math.Min(best, sec);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Chains(long iters)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
            a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < iters; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
            a12 = Vector512.FusedMultiplyAdd(a12, m, c); a13 = Vector512.FusedMultiplyAdd(a13, m, c);
            a14 = Vector512.FusedMultiplyAdd(a14, m, c); a15 = Vector512.FusedMultiplyAdd(a15, m, c);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15)));
    }

    /// <summary>12 chains, not 16: AVX2 has 16 vector registers, and 16 accumulators plus the two operands would spill.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Chains256(long iters)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
            a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iters; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
