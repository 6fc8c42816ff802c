using System.Runtime.CompilerServices;
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
/// W is packed per column block and k-slice into the VNNI layout (<see cref="Bf16Packing"/>) and
/// every output is ONE <c>vdpbf16ps</c> chain over the pairs of k in increasing order (odd element
/// first, each step one rounding, denormals flushed; <see cref="Bf16TileEmitter"/>), the same for
/// every shape, tile, blocking, k-slicing and thread count, so row i of y does not depend on the
/// batch; <see cref="DotScalar"/> is its bit-exact scalar model. <see cref="Bf16Kernel.Widening"/>
/// gives the float32 kernels' order on the same rounded inputs (another order, so other last bits).
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

    /// <summary>
    /// Main tile (rows of x × panels of 16 columns) for blocks of more rows than one tile holds; a
    /// field so the bench can sweep it. Measured on the dev VM (Zen 5 class that day, M=896, K=2048, N=5632, under
    /// load, 6-panel blocks): 9×3 and 7×4 best, 8×3 within 5 %, 12×2 and 6×4 10-15 % slower, 14×2,
    /// 5×5 and 4×4 25 %.
    /// </summary>
    internal static (int Mr, int Nr) MainTile = (9, 3);

    /// <summary>
    /// At most this many pairs of k per slice (k is cut into equal slices, rounded up to whole
    /// unrolled steps) and panels per column block, 0 for twice the tile's panels (fields so the
    /// bench and the tests can sweep them; no result depends on them): a packed slice of a block
    /// (panels × pairs × 64 bytes; 6 × 1536 × 64 = 576 KiB) stays in L2 while every row tile of the
    /// block passes over it. On a Zen 5 VM (1 MiB L2), M = 198 and 882: slices of 1024-2048 pairs
    /// ran 5-10 % faster than 512 (each slice stores and reloads every accumulator and packs once
    /// more), 256 10-15 % slower; blocks of 3-12 panels were within the noise (±10 %) of 6.
    /// </summary>
    internal static int SlicePairs = 1536, BlockPanels;

    /// <summary>Pairs per slice: <paramref name="pairs"/> cut into the fewest equal slices of at most <see cref="SlicePairs"/>, each a multiple of 4 pairs where it can be.</summary>
    internal static int SliceFor(int pairs)
    {
        int most = Math.Max(1, SlicePairs);
        int slices = (pairs + most - 1) / most;
        int even = (pairs + slices - 1) / slices;
        int rounded = (even + 3) & ~3;
        return rounded <= most ? rounded : even;
    }

    [ThreadStatic] private static ushort[]? t_bits;
    [ThreadStatic] private static float[]? t_rounded;
    [ThreadStatic] private static uint[]? t_packed;

    internal static unsafe void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y, Bf16Kernel kernel, int maxThreads)
    {
        if (w.Type != WeightType.BF16 || w.RowMap is not null) throw new ArgumentException("Bf16MatMul: W must be plain bfloat16 rows (no row map)");
        if (!Check(x, m, w.Rows, w.Cols, y, kernel)) return;
        if (kernel == Bf16Kernel.Widening)
        {
            int size = m * w.Cols;
            var rounded = Buffer(ref t_rounded, size);
            Bf16Rounding.Round(x[..size], rounded);
            MatMul.Multiply(rounded.AsSpan(0, size), m, w, y, accumulate: false, KernelOptions.Simd, maxThreads);
            return;
        }
        Emitted(x, m, (ushort*)w.Data, null, w.Rows, w.Cols, y, maxThreads);
    }

    /// <summary>
    /// y = bf16(x) · Wᵀ on a copy of W packed once (<see cref="Bf16PackedWeights"/>): the emitted
    /// tiles without the per-product pack, bit for bit the product on W itself.
    /// </summary>
    public static unsafe void Multiply(ReadOnlySpan<float> x, int m, Bf16PackedWeights w, Span<float> y, int maxThreads)
    {
        if (!Check(x, m, w.Rows, w.Cols, y, Bf16Kernel.Emitted)) return;
        Emitted(x, m, null, w.Data, w.Rows, w.Cols, y, maxThreads);
    }

    /// <summary>Validates the shapes; false when there is nothing to compute (y then holds the product already).</summary>
    private static bool Check(ReadOnlySpan<float> x, int m, int n, int k, Span<float> y, Bf16Kernel kernel)
    {
        if (m < 0) throw new ArgumentException("Bf16MatMul: negative dimension");
        if (x.Length < (long)m * k) throw new ArgumentException($"Bf16MatMul: x holds {x.Length} floats, needs {(long)m * k}");
        if (y.Length < (long)m * n) throw new ArgumentException($"Bf16MatMul: y holds {y.Length} floats, needs {(long)m * n}");
        if (m == 0 || n == 0) return false;
        if (kernel == Bf16Kernel.Emitted && !CpuFeatures.HasAvx512Bf16) throw new PlatformNotSupportedException("this CPU has no AVX512_BF16");
        if (k == 0)
        {
            y[..(m * n)].Clear(); // no pairs: every chain stays +0
            return false;
        }
        return true;
    }

    /// <summary>The emitted tiles over W's rows (<paramref name="w"/>, packed per slice) or over a packed copy (<paramref name="prepacked"/>).</summary>
    private static unsafe void Emitted(ReadOnlySpan<float> x, int m, ushort* w, uint* prepacked, int n, int k, Span<float> y, int maxThreads)
    {
        int threads = KernelParallel.ThreadsFor((long)m * n * k, maxThreads);
        // Rows of x padded to whole pairs: the tile reads x's pairs as dwords, so an odd k's last
        // pair gets a +0 (times W's packed +0) instead of the next row's first element.
        int ldx = k + (k & 1);
        var bits = Buffer(ref t_bits, m * ldx);
        fixed (float* xp = x)
        fixed (ushort* xb = bits)
        fixed (float* yp = y)
        {
            // A memory-bound pass over x (7 of a product's 50 ms at M = 882, K = 5632) that on the
            // caller alone left the other threads waiting: split, a k/v-like product (M = 882,
            // K = 2048, N = 256, 2 threads) went from 461 to 505 GFLOP/s (medians of 3 rounds).
            int roundThreads = KernelParallel.ThreadsFor((long)m * k, maxThreads);
            var rounding = new RoundJob(xp, k, xb, ldx, m, Math.Max(1, (m + 4 * roundThreads - 1) / (4 * roundThreads)));
            KernelParallel.Run(rounding, rounding.Items, roundThreads);
            var job = new PackedJob(xb, ldx, w, prepacked, yp, m, n, k, threads);
            KernelParallel.Run(job, job.Items, threads);
        }
    }

    /// <summary>Rows of x rounded to bfloat16 into rows of <c>ldx</c> elements, an odd k's last pair completed with +0; rows split into items.</summary>
    private sealed unsafe class RoundJob(float* x, int k, ushort* bits, int ldx, int m, int rowsPerItem) : ParallelJob
    {
        public int Items => (m + rowsPerItem - 1) / rowsPerItem;

        public override void Run(int item)
        {
            int r0 = item * rowsPerItem, r1 = Math.Min(m, r0 + rowsPerItem);
            if (ldx == k)
            {
                Bf16Rounding.ToBf16(new ReadOnlySpan<float>(x + (nint)r0 * k, (r1 - r0) * k), new Span<ushort>(bits + (nint)r0 * k, (r1 - r0) * k));
                return;
            }
            for (int i = r0; i < r1; i++)
            {
                Bf16Rounding.ToBf16(new ReadOnlySpan<float>(x + (nint)i * k, k), new Span<ushort>(bits + (nint)i * ldx, k));
                bits[(nint)i * ldx + k] = 0;
            }
        }
    }

    private static T[] Buffer<T>(ref T[]? buffer, int size)
    {
        if (buffer == null || buffer.Length < size) buffer = new T[Math.Max(size, 1024)];
        return buffer;
    }

    /// <summary>
    /// The tile for a block of <paramref name="rows"/> rows: one row tile of all of them when they
    /// fit (as many panels as the registers then hold, at most 4, so a handful of rows reads each
    /// packed line once), else <see cref="MainTile"/>.
    /// </summary>
    internal static (int Mr, int Nr) TileFor(int rows)
    {
        if (rows > Math.Min(MainTile.Mr, Bf16TileEmitter.MaxRows)) return MainTile;
        return (rows, Math.Min(4, 32 / (rows + 1)));
    }

    /// <summary>
    /// Work split: column blocks of <see cref="BlockPanels"/> panels × row blocks of x (rows are split
    /// only when the column blocks alone cannot keep every thread busy, since each row block packs
    /// its column block again). An item walks k in slices of <see cref="SliceFor"/> pairs: packs
    /// the slice of its column block into the thread's buffer, then runs every row tile over it,
    /// each continuing its outputs' chains from y. Every output is one chain over the pairs in
    /// increasing order whatever the split, so no bit depends on m, the plan or the threads.
    /// </summary>
    private sealed unsafe class PackedJob : ParallelJob
    {
        private readonly ushort* _x, _w;
        private readonly uint* _prepacked;
        private readonly float* _y;
        private readonly int _ldx, _m, _n, _k, _pairs, _slice, _blockCols, _rowBlock, _rowBlocks;
        private readonly (int Mr, int Nr) _tile;
        public readonly int Items;

        public PackedJob(ushort* x, int ldx, ushort* w, uint* prepacked, float* y, int m, int n, int k, int threads)
        {
            _x = x; _ldx = ldx; _w = w; _prepacked = prepacked; _y = y; _m = m; _n = n; _k = k;
            _pairs = (k + 1) / 2;
            _slice = SliceFor(_pairs);
            var (mr, nr) = TileFor(m);
            _blockCols = (BlockPanels > 0 ? BlockPanels : 2 * nr) * Bf16Packing.Panel;
            // No cap on a row block's rows (m): each row block packs its column block again.
            var plan = MatMul.BlockPlan.For(m, n, mr, _blockCols, maxRows: m, threads);
            (_rowBlock, _rowBlocks, Items) = (plan.RowBlock, plan.RowBlocks, plan.Items);
            _tile = TileFor(_rowBlock);
        }

        public override void Run(int item)
        {
            int cb = item / _rowBlocks, rb = item % _rowBlocks;
            int c0 = cb * _blockCols, cols = Math.Min(_n, c0 + _blockCols) - c0;
            int panels = (cols + Bf16Packing.Panel - 1) / Bf16Packing.Panel;
            int r0 = rb * _rowBlock, r1 = Math.Min(_m, r0 + _rowBlock);
            int slice = Math.Min(_slice, _pairs);
            var buffer = t_packed;
            int need = _prepacked != null ? 16 : panels * slice * Bf16Packing.Panel + 16;
            if (buffer == null || buffer.Length < need) t_packed = buffer = GC.AllocateUninitializedArray<uint>(need, pinned: true);
            // The last panel of W may be partial: its tiles store (and reload) only the columns that exist.
            int tailCols = cols - (panels - 1) * Bf16Packing.Panel;
            nint lastMask = (1 << tailCols) - 1;
            // Row tiles as even as the rows allow (64 rows: 8 tiles of 8, not 7 of 9 and a 1-row
            // tile, whose 3 chains leave the dot unit waiting on latency).
            int rows = r1 - r0, nrMain = _tile.Nr;
            int tiles = (rows + _tile.Mr - 1) / _tile.Mr, small = rows / tiles, bigTiles = rows % tiles;
            var tileBig = Bf16Tiles.Tile(small + (bigTiles > 0 ? 1 : 0), nrMain);
            var tileSmall = Bf16Tiles.Tile(small, nrMain);
            fixed (uint* raw = buffer)
            {
                uint* packed = (uint*)PinnedLines.AlignToLine((byte*)raw); // pinned; aligned lines
                Bf16TileArgs args = default;
                for (int p0 = 0; p0 < _pairs; p0 += slice)
                {
                    int len = Math.Min(slice, _pairs - p0);
                    // A slice packed here: panels len lines apart; of the packed copy: a window, panels all pairs apart.
                    uint* lines = packed;
                    if (_prepacked == null) Bf16Packing.Pack(_w, _n, _k, c0, cols, p0, len, packed);
                    else lines = _prepacked + ((nint)c0 * _pairs + (nint)p0 * Bf16Packing.Panel);
                    nint panelLines = _prepacked == null ? len : _pairs;
                    args.PanelBytes = panelLines * 64;
                    args.Pairs = len;
                    args.Continue = p0 > 0 ? 1 : 0;
                    args.LdxBytes = (nint)_ldx * 2;
                    args.LdyBytes = (nint)_n * 4;
                    for (int t = 0, i0 = r0; t < tiles; t++)
                    {
                        int mr = t < bigTiles ? small + 1 : small;
                        var tile = t < bigTiles ? tileBig : tileSmall;
                        args.X = _x + (nint)i0 * _ldx + 2 * p0;
                        for (int j0 = 0; j0 < panels; j0 += nrMain)
                        {
                            int nr = Math.Min(nrMain, panels - j0);
                            args.W = lines + j0 * panelLines * Bf16Packing.Panel;
                            args.Y = _y + (nint)i0 * _n + c0 + j0 * Bf16Packing.Panel;
                            args.LastMask = j0 + nr == panels ? lastMask : 0xFFFF;
                            (nr == nrMain ? tile : Bf16Tiles.Tile(mr, nr))(&args);
                        }
                        i0 += mr;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The scalar model of one emitted output, bit for bit: one float32 chain from +0 over the
    /// pairs p = 0, 1, ... of k in increasing order, adding x[2p+1]·w[2p+1] and then x[2p]·w[2p]
    /// (elements at or past k count as +0), each a fused multiply-add rounded to nearest even with
    /// bfloat16 denormal inputs read as zero and denormal results flushed to zero, as the SDM
    /// specifies <c>vdpbf16ps</c> (here one lane of it, the lane of this output's column).
    /// </summary>
    internal static float DotScalar(ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> w, int k)
    {
        float acc = 0f;
        for (int p = 0; p < k; p += 2)
        {
            acc = FlushDenormal(MathF.FusedMultiplyAdd(Operand(x, p + 1, k), Operand(w, p + 1, k), acc));
            acc = FlushDenormal(MathF.FusedMultiplyAdd(Operand(x, p, k), Operand(w, p, k), acc));
        }
        return acc;
    }

    private static float Operand(ReadOnlySpan<ushort> v, int p, int k) => p < k ? FlushDenormal(Bf16Rounding.ToFloat(v[p])) : 0f;

    private static float FlushDenormal(float v) => float.IsSubnormal(v) ? (float.IsNegative(v) ? -0f : 0f) : v;
}
