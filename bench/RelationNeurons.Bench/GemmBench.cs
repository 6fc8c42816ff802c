using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Bench;

/// <summary>
/// GEMM benchmark: measures this machine's FMA peak (register-only FMA chains on T threads),
/// then y = x·Wᵀ at M×K×N (default 512×4096×11008, Llama-7B MLP) for F32, BF16 and F16 weights,
/// and the small-m (generation) cases as weight bandwidth. Medians of --reps runs.
/// Options: --threads T (default KernelOptions.MaxThreads), --reps R (default 5), --m/--k/--n,
/// --simd scalar|vector256|vector512, --types f32,bf16,f16, --small 1,16, --clock wall|cpu,
/// --kchunk/--rowblock/--coltiles (blocking sweep; kchunk 0 = off), --trainer 0|1, --outerkchunk K,
/// Float32 kernel plan (<see cref="KernelPlan"/>): by default the calibration runs first (its
/// candidates' GFLOP/s on its own shapes, its pick and its duration are printed; nothing is
/// cached; --calthreads T, default 1) and its pick is used; --plan 4x6-c0-r32-k0 forces a plan instead, --calibrate 0 keeps
/// the fixed plan; --kchunk/--rowblock/--coltiles then override parts of it.
/// --candidates 1 times every candidate plan on M×K×N (each of --types) with this bench's timer; --plans a,b,c the plans named.
/// --bf16 0|1 (also time bfloat16 compute on the BF16 weights), --maintile 9x3 (its main tile: rows × 16-column panels),
/// --bf16slice P (pairs of k per packed slice), --bf16panels B (panels per packed column block; 0: twice the tile's).
/// </summary>
internal static unsafe class GemmBench
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        int threads = a.Int("threads", KernelOptions.MaxThreads);
        int reps = Math.Max(1, a.Int("reps", 5));
        int m = a.Int("m", 512), k = a.Int("k", 4096), n = a.Int("n", 11008);
        KernelOptions.MaxThreads = threads;
        _threads = threads;
        MatMulF32.OuterKChunk = a.Int("outerkchunk", MatMulF32.OuterKChunk);
        _cpuClock = a.Str("clock", "wall") == "cpu";
        KernelOptions.Simd = Enum.Parse<SimdLevel>(a.Str("simd", KernelOptions.Simd.ToString()), ignoreCase: true);
        var types = a.Str("types", "f32,bf16,f16").Split(',').Select(t => Enum.Parse<WeightType>(t, true)).ToArray();
        int copies = Math.Max(1, a.Int("copies", 1));
        var small = a.Str("small", "1,16").Split(',').Select(int.Parse).ToArray();

        Console.WriteLine($"simd={KernelOptions.Simd} (hardware {KernelOptions.HardwareLevel}), threads={threads}, cores={Environment.ProcessorCount}, reps={reps}, clock={(_cpuClock ? "cpu" : "wall")}");
        var id = KernelCalibration.ThisMachine();
        Console.WriteLine($"cpu: {id.Vendor} family {id.Family} model {id.Model} stepping {id.Stepping} \"{id.Name}\", {id.Cores} cores, .NET {id.Runtime}, kernels {id.Kernels}");
        var level = KernelOptions.Simd;
        CalibrationResult? calibration = null;
        KernelPlan plan;
        if (a.Str("plan", "") is { Length: > 0 } forced)
        {
            if (!KernelPlan.TryParse(forced, out plan) || !plan.IsValidFor(level)) { Console.Error.WriteLine($"--plan {forced}: no such plan at {level}"); return 2; }
        }
        else if (a.Int("calibrate", 1) != 0)
        {
            calibration = KernelCalibration.Calibrate(KernelKind.F32Dot, level, a.Int("calthreads", 1));
            PrintCalibration(calibration);
            plan = calibration.Plan;
        }
        else plan = KernelPlan.Default(level);
        if (a.Str("kchunk", "") != "") plan = plan with { KChunk = a.Int("kchunk", 0) };
        if (a.Str("rowblock", "") != "") plan = plan with { MaxRowBlock = a.Int("rowblock", 0) };
        if (a.Str("coltiles", "") != "") plan = plan with { ColTiles = a.Int("coltiles", 0) };
        KernelCalibration.Forced = plan;
        Console.WriteLine($"f32 kernel plan: {plan}" + (calibration is not null ? " (calibrated)" : a.Str("plan", "") != "" ? " (--plan)" : " (fixed)"));
        double peak = FmaPeak.Measure(threads, _cpuClock);
        Console.WriteLine($"FMA peak ({threads} threads, {FmaPeak.Width} FMA chains, {(_cpuClock ? "CPU" : "wall")} time): {peak:F1} GFLOP/s");
        double dotPeak = Bf16DotPeak.Measure(threads);
        Console.WriteLine(dotPeak > 0 ? $"bf16 dot peak ({threads} threads, vdpbf16ps chains): {dotPeak:F1} GFLOP/s" : "bf16 dot peak: no AVX512_BF16");
        if (a.Str("maintile", "") is { Length: > 0 } tile)
            Bf16MatMul.MainTile = (int.Parse(tile.Split('x')[0]), int.Parse(tile.Split('x')[1]));
        Bf16MatMul.SlicePairs = a.Int("bf16slice", Bf16MatMul.SlicePairs);
        Bf16MatMul.BlockPanels = a.Int("bf16panels", Bf16MatMul.BlockPanels);
        bool bf16Compute = a.Int("bf16", 1) != 0;

        var x = new float[(long)Math.Max(m, small.Max()) * k];
        var rng = new Random(1);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var y = new float[(long)Math.Max(m, small.Max()) * n];
        if (a.Int("candidates", 0) != 0 || a.Str("plans", "") != "")
            Candidates(x, y, m, k, n, reps, peak, level, calibration?.Plan,
                a.Str("plans", "") is { Length: > 0 } list ? list.Split(',').Select(t => KernelPlan.TryParse(t, out var p) ? p : throw new ArgumentException($"--plans: {t}")).ToArray() : null, types);

        foreach (var type in types)
        {
            int es = type == WeightType.F32 ? 4 : 2;
            void* data = NativeMemory.AlignedAlloc((nuint)((long)n * k * es * copies), 64);
            try
            {
                Fill(data, type, (long)n * k * copies);
                var w = new WeightMatrix(data, type, n, k);
                var ws = Enumerable.Range(0, copies).Select(c => new WeightMatrix((byte*)data + (long)c * n * k * es, type, n, k)).ToArray();
                double sec = Median(reps, () => { foreach (var wc in ws) MatMul.Multiply(x.AsSpan(0, m * k), m, wc, y.AsSpan(0, m * n)); }) / copies;
                double gflops = 2.0 * m * n * k / sec / 1e9;
                Console.WriteLine($"gemm {type,-4} M={m} K={k} N={n}: {sec * 1e3,8:F2} ms  {gflops,7:F1} GFLOP/s  {100 * gflops / peak,5:F1}% of peak");
                if (type == WeightType.BF16 && bf16Compute)
                {
                    double bs = Median(reps, () => { foreach (var wc in ws) Bf16MatMul.Multiply(x.AsSpan(0, m * k), m, wc, y.AsSpan(0, m * n)); }) / copies;
                    double bg = 2.0 * m * n * k / bs / 1e9;
                    Console.WriteLine($"gemm bf16-compute ({Bf16MatMul.HardwareKernel}, tile {Bf16MatMul.MainTile.Mr}x{Bf16MatMul.MainTile.Nr}, slice {Bf16MatMul.SlicePairs}, {Bf16MatMul.BlockPanels} panels) M={m} K={k} N={n}: {bs * 1e3,8:F2} ms  {bg,7:F1} GFLOP/s  {100 * bg / peak,5:F1}% of FMA peak" + (dotPeak > 0 ? $"  {100 * bg / dotPeak,5:F1}% of bf16 dot peak" : ""));
                    if (Bf16MatMul.HardwareKernel == Bf16Kernel.Emitted)
                    {
                        // What the model runs: W packed once (Bf16PackedWeights), not per product.
                        var packedCopies = ws.Select(wc => Bf16PackedWeights.Pack(wc, KernelOptions.MaxThreads)).ToArray();
                        double ps = Median(reps, () => { foreach (var pc in packedCopies) Bf16MatMul.Multiply(x.AsSpan(0, m * k), m, pc, y.AsSpan(0, m * n), KernelOptions.MaxThreads); }) / copies;
                        double pg = 2.0 * m * n * k / ps / 1e9;
                        Console.WriteLine($"gemm bf16-compute on a packed copy M={m} K={k} N={n}: {ps * 1e3,8:F2} ms  {pg,7:F1} GFLOP/s  {100 * pg / peak,5:F1}% of FMA peak" + (dotPeak > 0 ? $"  {100 * pg / dotPeak,5:F1}% of bf16 dot peak" : ""));
                    }
                    foreach (int sm in small)
                    {
                        double s = Median(Math.Max(reps, 9), () => Bf16MatMul.Multiply(x.AsSpan(0, sm * k), sm, w, y.AsSpan(0, sm * n)));
                        Console.WriteLine($"gemv bf16-compute m={sm,-3} K={k} N={n}: {s * 1e3,8:F3} ms  {(double)n * k * es / s / 1e9,7:F1} GB/s of weights  {2.0 * sm * n * k / s / 1e9,7:F1} GFLOP/s");
                    }
                }
                foreach (int sm in small)
                {
                    double s = Median(Math.Max(reps, 9), () => MatMul.Multiply(x.AsSpan(0, sm * k), sm, w, y.AsSpan(0, sm * n)));
                    double gbs = (double)n * k * es / s / 1e9;
                    double gf = 2.0 * sm * n * k / s / 1e9;
                    Console.WriteLine($"gemv {type,-4} m={sm,-3} K={k} N={n}: {s * 1e3,8:F3} ms  {gbs,7:F1} GB/s of weights  {gf,7:F1} GFLOP/s");
                }
            }
            finally { NativeMemory.AlignedFree(data); }
        }
        if (a.Int("trainer", 1) != 0) TrainerProducts(reps, peak);
        return 0;
    }

    private static void PrintCalibration(CalibrationResult c)
    {
        Console.WriteLine($"calibration ({c.Threads} threads, process CPU time, fastest of 7 interleaved rounds, shapes {string.Join(", ", c.Shapes.Select(s => $"M={s.M} K={s.K} N={s.N}"))}):");
        foreach (var t in c.Candidates)
            Console.WriteLine($"  {t.Plan,-20} {string.Join("  ", Enumerable.Range(0, c.Shapes.Count).Select(s => $"{c.Gflops(t, s),7:F1}"))} GFLOP/s  total {t.Total * 1e3,6:F2} ms{(t.Plan == c.Plan ? "  <- chosen" : "")}");
        Console.WriteLine($"calibration chose {c.Plan} in {c.Seconds:F2} s");
    }

    /// <summary>Every candidate plan (tiles with the fixed blocking, blocking variants of the fixed tile and of the calibrated pick), or the plans given, on M×K×N for each weight type.</summary>
    private static void Candidates(float[] x, float[] y, int m, int k, int n, int reps, double peak, SimdLevel level, KernelPlan? calibrated, KernelPlan[]? given, WeightType[] types)
    {
        var plans = given ?? KernelCalibration.TileCandidates(level)
            .Concat(KernelCalibration.BlockingCandidates(KernelPlan.Default(level)))
            .Concat(calibrated is { } c ? KernelCalibration.BlockingCandidates(c with { ColTiles = 0, MaxRowBlock = 32, KChunk = 0 }).Prepend(c) : [])
            .Distinct().ToArray();
        void* data = NativeMemory.AlignedAlloc((nuint)((long)n * k * 4), 64);
        var saved = KernelCalibration.Forced;
        try
        {
            foreach (var type in types)
            {
                Fill(data, type, (long)n * k);
                var w = new WeightMatrix(data, type, n, k);
                foreach (var p in plans)
                {
                    KernelCalibration.Forced = p;
                    double sec = Median(reps, () => MatMul.Multiply(x.AsSpan(0, m * k), m, w, y.AsSpan(0, m * n)));
                    double gf = 2.0 * m * n * k / sec / 1e9;
                    Console.WriteLine($"plan {p,-22} {type,-4} M={m} K={k} N={n}: {sec * 1e3,8:F2} ms  {gf,7:F1} GFLOP/s  {100 * gf / peak,5:F1}% of peak{(p == calibrated ? "  (calibration's pick)" : "")}");
                }
            }
        }
        finally { KernelCalibration.Forced = saved; NativeMemory.AlignedFree(data); }
    }

    /// <summary>MatMulF32 shapes of a training step: activations 512×4096 against a 4096×4096 weight, and its gradient.</summary>
    private static void TrainerProducts(int reps, double peak)
    {
        const int B = 512, D = 4096;
        var rng = new Random(3);
        float[] Rand(long n) { var v = new float[n]; for (long i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() - 0.5); return v; }
        var act = Rand((long)B * D);
        var w = Rand((long)D * D);
        var c = new float[(long)D * D];
        void Report(string name, int m, int n, int k, Action body)
        {
            double sec = Median(reps, body);
            double gf = 2.0 * m * n * k / sec / 1e9;
            Console.WriteLine($"f32 {name} M={m} N={n} K={k}: {sec * 1e3,8:F2} ms  {gf,7:F1} GFLOP/s  {100 * gf / peak,5:F1}% of peak");
        }
        Report("NT (x·Wᵀ)   ", B, D, D, () => MatMulF32.MultiplyNT(act, w, c, B, D, D, false));
        Report("NN (dY·W)   ", B, D, D, () => MatMulF32.MultiplyNN(act, w, c, B, D, D, false));
        Report("TN (dYᵀ·X)  ", D, D, B, () => MatMulF32.MultiplyTN(act, act, c, D, D, B, true));
    }

    private static void Fill(void* data, WeightType type, long count)
    {
        var rng = new Random(2);
        for (long i = 0; i < count; i++)
        {
            float v = (float)(rng.NextDouble() * 0.1 - 0.05);
            switch (type)
            {
                case WeightType.F32: ((float*)data)[i] = v; break;
                case WeightType.F16: ((Half*)data)[i] = (Half)v; break;
                default: ((ushort*)data)[i] = (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16); break;
            }
        }
    }

    /// <summary>
    /// Median seconds of one call. On a shared (oversubscribed) machine wall time mostly measures
    /// the neighbours, so with --clock cpu the figure is process CPU time / threads: the time the
    /// kernel would take with its cores to itself (cache interference from neighbours remains).
    /// </summary>
    private static double Median(int reps, Action body)
    {
        body(); // warm-up: JIT tiers, page faults
        var times = new double[reps];
        var proc = Process.GetCurrentProcess();
        for (int r = 0; r < reps; r++)
        {
            proc.Refresh();
            var c0 = proc.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            body();
            double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            proc.Refresh();
            double cpu = (proc.TotalProcessorTime - c0).TotalSeconds / _threads;
            times[r] = _cpuClock ? cpu : wall;
        }
        Array.Sort(times);
        return times[reps / 2];
    }

    private static bool _cpuClock;
    private static int _threads = 1;
}
