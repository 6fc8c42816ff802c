using System.Runtime.InteropServices;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Bench;

/// <summary>
/// One float32 dot tile called over and over on the same x rows and W rows (one thread, process
/// CPU time, fastest of 7 after a warm-up: FmaPeak.FastestSeconds): the tile's own speed with its operands in L1 (small k) or L2 (large k),
/// without the planner. Options: --k 256,1024,2048 --tiles 4x6,6x4,8x3 --calls N; --product MxKxN
/// --plan P times a whole small product (the planner included) over and over instead; --rotate R
/// --vary x|w the 4×6 tile over R different x (or W) tiles, the other operand fixed; --simd vector256|vector512
/// (default: the hardware's level; give tiles that level has, e.g. --tiles 2x3 at vector256).
/// </summary>
internal static unsafe class TileBench
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        var ks = a.Str("k", "256,1024,2048,5632").Split(',').Select(int.Parse).ToArray();
        var tiles = a.Str("tiles", "4x6,6x4,8x3,5x4,3x6").Split(',').Select(t => (int.Parse(t.Split('x')[0]), int.Parse(t.Split('x')[1]))).ToArray();
        var level = a.Str("simd", "") is { Length: > 0 } named ? Enum.Parse<SimdLevel>(named, ignoreCase: true) : KernelOptions.HardwareLevel;
        double peak = FmaPeak.Measure(1, cpuClock: true);
        Console.WriteLine($"FMA peak (1 thread, CPU time): {peak:F1} GFLOP/s");
        if (a.Str("product", "") is { Length: > 0 } shape)
        {
            // A whole (small) product over and over on the same operands: the planner with its data kept warm.
            var d = shape.Split('x').Select(int.Parse).ToArray();
            int pm = d[0], pk = d[1], pn = d[2];
            var px = new float[pm * pk];
            var pw = new float[pn * pk];
            var py = new float[pm * pn];
            for (int i = 0; i < px.Length; i++) px[i] = (i % 7) * 0.01f;
            for (int i = 0; i < pw.Length; i++) pw[i] = (i % 5) * 0.01f;
            var plan = KernelPlan.TryParse(a.Str("plan", "4x6"), out var pp) ? pp : KernelPlan.Default(level);
            int iters = Math.Max(1, a.Int("calls", 200_000_000) / (pm * pn * pk / 16));
            fixed (float* wp = pw)
            {
                var wm = new WeightMatrix(wp, WeightType.F32, pn, pk);
                double best = FmaPeak.FastestSeconds(1, () =>
                {
                    for (int c = 0; c < iters; c++) MatMul.Multiply(px, pm, wm, py, false, level, 1, plan);
                }, cpuClock: true);
                double gf = 2.0 * pm * pn * pk * iters / best / 1e9;
                Console.WriteLine($"product {pm}x{pk}x{pn} plan {plan}: {gf,7:F1} GFLOP/s  {100 * gf / peak,5:F1}% of peak  ({1e6 * best / iters,8:F1} us per product)");
            }
            return 0;
        }
        if (a.Int("rotate", 0) is > 0 and int rot)
        {
            // The 4x6 tile over `rot` different x tiles (--vary x) or W tiles (--vary w), the other operand fixed.
            int kk = ks[0];
            bool varyX = a.Str("vary", "x") == "x";
            float* xs = (float*)NativeMemory.AlignedAlloc((nuint)(4 * kk * 4 * rot), 64);
            float* ws = (float*)NativeMemory.AlignedAlloc((nuint)(6 * kk * 4 * rot), 64);
            for (int i = 0; i < 4 * kk * rot; i++) xs[i] = (i % 7) * 0.01f;
            for (int i = 0; i < 6 * kk * rot; i++) ws[i] = (i % 5) * 0.01f;
            var yy = stackalloc float[64];
            var t46 = DotTiles.Tile(level, WeightType.F32, 4, 6);
            int calls = Math.Max(1, a.Int("calls", 200_000_000) / (kk * 24));
            double best = FmaPeak.FastestSeconds(1, () =>
            {
                for (int c = 0; c < calls; c++)
                {
                    int v = c % rot;
                    t46(varyX ? xs + (nint)v * 4 * kk : xs, kk, (byte*)(varyX ? ws : ws + (nint)v * 6 * kk), (nint)kk * 4, kk, yy, 8, false, null, 0);
                }
            }, cpuClock: true);
            double g = 2.0 * 24 * kk * calls / best / 1e9;
            Console.WriteLine($"tile 4x6 k={kk} over {rot} {(varyX ? "x" : "W")} tiles: {g,7:F1} GFLOP/s  {100 * g / peak,5:F1}% of peak");
            NativeMemory.AlignedFree(xs);
            NativeMemory.AlignedFree(ws);
            return 0;
        }
        int kMax = ks.Max();
        float* x = (float*)NativeMemory.AlignedAlloc((nuint)(8 * kMax * 4), 64);
        float* w = (float*)NativeMemory.AlignedAlloc((nuint)(8 * kMax * 4), 64);
        var y = stackalloc float[64 * 8];
        for (int i = 0; i < 8 * kMax; i++) { x[i] = (i % 7) * 0.01f; w[i] = (i % 5) * 0.01f; }
        foreach (int k in ks)
            foreach (var (mr, nr) in tiles)
            {
                var tile = DotTiles.Tile(level, WeightType.F32, mr, nr);
                int calls = Math.Max(1, a.Int("calls", 200_000_000) / (k * mr * nr));
                double best = FmaPeak.FastestSeconds(1, () =>
                {
                    for (int c = 0; c < calls; c++) tile(x, k, (byte*)w, (nint)k * 4, k, y, 8, false, null, 0);
                }, cpuClock: true);
                double gf = 2.0 * mr * nr * k * calls / best / 1e9;
                Console.WriteLine($"tile {mr}x{nr} k={k,5}: {gf,7:F1} GFLOP/s  {100 * gf / peak,5:F1}% of peak  ({1e9 * best / calls,8:F0} ns per call)");
            }
        NativeMemory.AlignedFree(x);
        NativeMemory.AlignedFree(w);
        return 0;
    }
}
