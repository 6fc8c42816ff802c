using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RelationNeurons.Inference.Kernels.Jit;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>How a bfloat16 product is computed on this machine.</summary>
public enum Bf16Kernel
{
    /// <summary>Run-time assembled <c>vdpbf16ps</c> tiles (<see cref="Bf16TileEmitter"/>); needs AVX512_BF16.</summary>
    Emitted,
    /// <summary>Without AVX512_BF16: x rounded to bfloat16 and widened back, then the float32 kernels (<see cref="MatMul"/>) on the bfloat16 weights.</summary>
    Widening,
}

/// <summary>
/// y[m×n] = bf16(x)[m×k] · Wᵀ with W [n×k] stored as bfloat16: x rounded to bfloat16
/// (<see cref="Bf16Rounding"/>), products accumulated in float32. With <see cref="Bf16Kernel.Emitted"/>
/// every output is the <c>vdpbf16ps</c> chain of <see cref="Bf16TileEmitter"/> (lane l takes the
/// pairs 32s + 2l, 32s + 2l + 1, odd element first, each step one rounding, denormals flushed)
/// followed by the <see cref="CanonicalOrder"/> lane reduction, the same for every shape, tile,
/// blocking and thread count, so row i of y does not depend on the batch; <see cref="DotScalar"/>
/// is its bit-exact scalar model. <see cref="Bf16Kernel.Widening"/> gives the float32 kernels'
/// order on the same rounded inputs (another order, so other last bits).
/// </summary>
[SkipLocalsInit]
public static class Bf16MatMul
{
    private static readonly Lazy<(Bf16Kernel Kernel, string? Why)> Hardware = new(ResolveHardware);

    /// <summary>
    /// The kernel this machine uses: the emitted tiles where the CPU has AVX512_BF16 and the
    /// system lets them be mapped executable; decided (and the tiles built) on first use.
    /// </summary>
    public static Bf16Kernel HardwareKernel => Hardware.Value.Kernel;

    /// <summary>Why <see cref="HardwareKernel"/> is <see cref="Bf16Kernel.Widening"/> (null when it is not).</summary>
    public static string? FallbackReason => Hardware.Value.Why;

    private static (Bf16Kernel, string?) ResolveHardware()
    {
        if (!CpuFeatures.HasAvx512Bf16) return (Bf16Kernel.Widening, "this CPU has no AVX512_BF16");
        // A system that refuses executable anonymous mappings (an SELinux execmem policy, say) gets the fallback, not a failure.
        try { Bf16Tiles.EnsureMapped(); }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            return (Bf16Kernel.Widening, "the bfloat16 tiles could not be mapped executable: " + e.Message);
        }
        return (Bf16Kernel.Emitted, null);
    }

    /// <summary>y = bf16(x) · Wᵀ, W bfloat16 [n×k] without a row map; y is overwritten.</summary>
    public static void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y) =>
        Multiply(x, m, w, y, HardwareKernel, KernelOptions.MaxThreads);

    /// <summary>Main tile (rows of x × rows of W) for blocks of more than 8 rows; a field so the bench can sweep it.</summary>
    internal static (int Mr, int Nr) MainTile = (4, 6);

    [ThreadStatic] private static ushort[]? t_bits;
    [ThreadStatic] private static float[]? t_rounded;

    internal static unsafe void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y, Bf16Kernel kernel, int maxThreads)
    {
        int n = w.Rows, k = w.Cols;
        if (w.Type != WeightType.BF16 || w.RowMap is not null) throw new ArgumentException("Bf16MatMul: W must be plain bfloat16 rows (no row map)");
        if (m < 0) throw new ArgumentException("Bf16MatMul: negative dimension");
        if (x.Length < (long)m * k) throw new ArgumentException($"Bf16MatMul: x holds {x.Length} floats, needs {(long)m * k}");
        if (y.Length < (long)m * n) throw new ArgumentException($"Bf16MatMul: y holds {y.Length} floats, needs {(long)m * n}");
        if (m == 0 || n == 0) return;
        if (kernel == Bf16Kernel.Emitted && !CpuFeatures.HasAvx512Bf16) throw new PlatformNotSupportedException("this CPU has no AVX512_BF16");
        int size = m * k;
        int threads = KernelParallel.ThreadsFor((long)m * n * k, maxThreads);
        if (kernel == Bf16Kernel.Widening)
        {
            var rounded = Buffer(ref t_rounded, size);
            Bf16Rounding.Round(x[..size], rounded);
            MatMul.Multiply(rounded.AsSpan(0, size), m, w, y, accumulate: false, KernelOptions.Simd, maxThreads);
            return;
        }
        var bits = Buffer(ref t_bits, size);
        Bf16Rounding.ToBf16(x[..size], bits);
        fixed (ushort* xb = bits)
        fixed (float* yp = y)
        {
            var job = new DotJob(xb, (ushort*)w.Data, yp, m, n, k, threads);
            KernelParallel.Run(job, job.Items, threads);
        }
    }

    private static T[] Buffer<T>(ref T[]? buffer, int size)
    {
        if (buffer == null || buffer.Length < size) buffer = new T[Math.Max(size, 1024)];
        return buffer;
    }

    /// <summary>Columns of the one-pass tile for a block of ≤ 8 rows: as many W rows as the registers hold (at most 8).</summary>
    internal static int WideCols(int rows) => Math.Min(Bf16TileEmitter.MaxCols, (31 - rows) / rows);

    /// <summary>
    /// Work split as <see cref="MatMul"/>'s: column blocks of W (kept in L2) × row blocks of x. A
    /// block of ≤ 8 rows runs as one tile per W-row group so each weight is read once
    /// (generation); larger blocks use <see cref="MainTile"/>, with smaller tiles at the edges.
    /// </summary>
    private sealed unsafe class DotJob : ParallelJob
    {
        private readonly ushort* _x, _w;
        private readonly float* _y;
        private readonly int _m, _n, _k, _mr, _nr, _rowBlock, _colBlock, _rowBlocks;
        public readonly int Items;

        public DotJob(ushort* x, ushort* w, float* y, int m, int n, int k, int threads)
        {
            _x = x; _w = w; _y = y; _m = m; _n = n; _k = k;
            (_mr, _nr) = MainTile;
            var plan = MatMul.BlockPlan.For(m, n, _mr, _nr * MatMul.ColTilesFor(k, m), MatMul.MaxRowBlock, threads);
            (_rowBlock, _colBlock, _rowBlocks, Items) = (plan.RowBlock, plan.ColBlock, plan.RowBlocks, plan.Items);
        }

        public override void Run(int item)
        {
            int cb = item / _rowBlocks, rb = item % _rowBlocks;
            int c0 = cb * _colBlock, c1 = Math.Min(_n, c0 + _colBlock);
            int r0 = rb * _rowBlock, r1 = Math.Min(_m, r0 + _rowBlock);
            int rows = r1 - r0;
            float* part = stackalloc float[32 * CanonicalOrder.Lanes];
            // One pass over the weights for a handful of rows; otherwise main tiles, edges as they fall.
            int mrStep = rows <= Bf16TileEmitter.MaxRows ? rows : _mr;
            int nrStep = rows <= Bf16TileEmitter.MaxRows ? WideCols(rows) : _nr;
            var full = Bf16Tiles.Tile(mrStep, nrStep);
            for (int i0 = r0; i0 < r1; i0 += mrStep)
            {
                int mr = Math.Min(mrStep, r1 - i0);
                for (int j0 = c0; j0 < c1; j0 += nrStep)
                {
                    int nr = Math.Min(nrStep, c1 - j0);
                    var tile = mr == mrStep && nr == nrStep ? full : Bf16Tiles.Tile(mr, nr);
                    tile(_x + (nint)i0 * _k, (nint)_k * 2, _w + (nint)j0 * _k, (nint)_k * 2, _k, part);
                    StoreReduced(part, mr, nr, _y + (nint)i0 * _n + j0, _n);
                }
            }
        }
    }

    /// <summary>The tile's mr·nr accumulators reduced in <see cref="CanonicalOrder"/>, sixteen at a time, into y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreReduced(float* part, int mr, int nr, float* y, nint ldy)
    {
        int count = mr * nr;
        float* sums = stackalloc float[32];
        for (int g = 0; g < count; g += 16)
        {
            float* p = part + g * CanonicalOrder.Lanes;
            int left = count - g;
            CanonicalOrder.Reduce16(
                Acc(p, 0, left), Acc(p, 1, left), Acc(p, 2, left), Acc(p, 3, left),
                Acc(p, 4, left), Acc(p, 5, left), Acc(p, 6, left), Acc(p, 7, left),
                Acc(p, 8, left), Acc(p, 9, left), Acc(p, 10, left), Acc(p, 11, left),
                Acc(p, 12, left), Acc(p, 13, left), Acc(p, 14, left), Acc(p, 15, left)).Store(sums + g);
        }
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++)
                y[i * ldy + j] = sums[i * nr + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Acc(float* p, int t, int left) =>
        t < left ? Vector512.Load(p + t * CanonicalOrder.Lanes) : Vector512<float>.Zero;

    /// <summary>
    /// The scalar model of one emitted output, bit for bit: 16 lanes from +0; lane l adds, for each
    /// block s of 32 elements, x[p+1]·w[p+1] and then x[p]·w[p] (p = 32s + 2l; elements at or past k
    /// count as 0), each a fused multiply-add rounded to nearest even with bfloat16 denormal inputs
    /// read as zero and denormal results flushed to zero, as the SDM specifies <c>vdpbf16ps</c>;
    /// then <see cref="CanonicalOrder.Reduce(ReadOnlySpan{float})"/>.
    /// </summary>
    internal static float DotScalar(ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> w, int k)
    {
        Span<float> lanes = stackalloc float[CanonicalOrder.Lanes];
        lanes.Clear();
        for (int p0 = 0; p0 < k; p0 += 2 * CanonicalOrder.Lanes)
            for (int l = 0; l < CanonicalOrder.Lanes; l++)
            {
                int p = p0 + 2 * l;
                lanes[l] = FlushDenormal(MathF.FusedMultiplyAdd(Operand(x, p + 1, k), Operand(w, p + 1, k), lanes[l]));
                lanes[l] = FlushDenormal(MathF.FusedMultiplyAdd(Operand(x, p, k), Operand(w, p, k), lanes[l]));
            }
        return CanonicalOrder.Reduce(lanes);
    }

    private static float Operand(ReadOnlySpan<ushort> v, int p, int k) => p < k ? FlushDenormal(Bf16Rounding.ToFloat(v[p])) : 0f;

    private static float FlushDenormal(float v) => float.IsSubnormal(v) ? (float.IsNegative(v) ? -0f : 0f) : v;
}
