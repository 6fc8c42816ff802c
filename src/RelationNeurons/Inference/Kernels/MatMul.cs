using RelationNeurons.Tensors;
namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// y[m×n] = x[m×k] · Wᵀ with W [n×k] stored as F32, F16 or BF16, widened in registers (with
/// many rows, F16 and, as the plan says, F32 go through per-thread packed panels of one column
/// block, <see cref="DotPacking"/>; never a float32 copy of W). Every
/// output element is summed in <see cref="CanonicalOrder"/>, so row i of y is bit-identical
/// whatever m, the blocking, the thread count or the SIMD level (batched == single).
/// </summary>
public static class MatMul
{
    /// <summary>y[m×n] = x[m×k] · Wᵀ where W is [n×k] in its stored type; y is overwritten.</summary>
    public static void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y) =>
        Multiply(x, m, w, y, accumulate: false, KernelOptions.Simd, KernelOptions.MaxThreads);

    /// <summary>Explicit-level entry: <paramref name="accumulate"/> makes it y += x·Wᵀ (each element gets one final add).</summary>
    internal static void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y, bool accumulate, SimdLevel level, int maxThreads) =>
        Multiply(x, m, w, y, accumulate, level, maxThreads, null);

    /// <summary>
    /// y = x·Wᵀ on a copy of W packed once (<see cref="DotPackedWeights"/>): every m runs the packed
    /// tiles, bit for bit the product on W itself. A copy packed for another tile width than the
    /// plan in force (a calibration since) is not used: W itself is.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> x, int m, DotPackedWeights w, Span<float> y) =>
        Multiply(x, m, w.Source, y, accumulate: false, KernelOptions.Simd, KernelOptions.MaxThreads, null, w);

    /// <summary>The plan a product of m rows on weights of <paramref name="type"/> runs now (a large one calibrates first, as the product would).</summary>
    internal static KernelPlan PlanFor(WeightType type, int m, int n, int k) =>
        KernelCalibration.PlanFor(KernelPlan.KindFor(type), KernelOptions.Cap(KernelOptions.Simd), m, 2L * m * n * k);

    /// <summary>With an explicit <paramref name="plan"/> (calibration, tests); null = the plan in force (<see cref="KernelCalibration.PlanFor"/>).</summary>
    internal static unsafe void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y, bool accumulate, SimdLevel level, int maxThreads, KernelPlan? plan,
        DotPackedWeights? packedCopy = null)
    {
        int n = w.Rows, k = w.Cols;
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException("MatMul: negative dimension");
        if (x.Length < (long)m * k) throw new ArgumentException($"MatMul: x holds {x.Length} floats, needs {(long)m * k}");
        if (y.Length < (long)m * n) throw new ArgumentException($"MatMul: y holds {y.Length} floats, needs {(long)m * n}");
        if (m == 0 || n == 0) return;
        if (w.Data == null && k > 0) throw new ArgumentException("MatMul: weight matrix has no data");
        level = KernelOptions.Cap(level);
        int threads = KernelParallel.ThreadsFor((long)m * n * k, maxThreads);
        fixed (float* xp = x, yp = y)
        {
            if (w.NeedsRowDecode)
            {
                QuantizedMatMul.Multiply(xp, m, w, yp, accumulate, level, threads);
                return;
            }
            var p = plan is { } given && given.IsValidFor(level) ? given
                : KernelCalibration.PlanFor(KernelPlan.KindFor(w.Type), level, m, 2L * m * n * k);
            t_lastPlan = p;
            if (packedCopy is not null && (packedCopy.Nr != p.Nr || level == SimdLevel.Scalar || k == 0)) packedCopy = null;
            var job = new DotJob(xp, yp, w, m, accumulate, level, threads, p, packedCopy);
            t_lastPacked = job.Packed;
            if (!job.Packed)
            {
                KernelParallel.Run(job, job.Items, threads);
                return;
            }
            // x's panel, shared by every column block: packed once per product (a copy of x).
            long panelFloats = job.XPanelFloats + CacheLine / sizeof(float);
            var panel = t_xPanel;
            if (panel == null || panel.Length < panelFloats) t_xPanel = panel = new float[panelFloats];
            fixed (float* pp = panel)
            {
                job.PackX((float*)PinnedLines.AlignToLine((byte*)pp), threads);
                KernelParallel.Run(job, job.Items, threads);
            }
        }
    }

    /// <summary>
    /// The most W rows in a packed column block under the calibration's candidate plans (tiles of
    /// at most 8 W rows × at most 16 column tiles): what the memory estimate counts per thread.
    /// </summary>
    internal const int PanelRows = 128;

    /// <summary>
    /// Whether a product packs W into panels (<see cref="DotPacking"/>): F16 always (it has to be
    /// widened to float32 anyway, ~7 vector operations per 16 weights, and doing it once per block
    /// into a packed panel is what that costs; measured on Zen 5 at M = 64, 1 thread: 30 → 52 % of
    /// the FMA peak at K = 2048 against the former row-major widened panel), F32 when the plan says
    /// so (the tiles then run faster, but the pack is a pass over W that cannot overlap the
    /// multiply-adds: the calibration decides), BF16 never (its widening costs the tile 2
    /// operations, and the same product measured 75 % row-major against 62 % packed).
    /// </summary>
    private static bool PacksW(WeightType type, KernelPlan plan) => type == WeightType.F16 || type == WeightType.F32 && plan.Packed;

    /// <summary>The fewest rows of x in a block of packed products (a plan may ask for more).</summary>
    internal const int PackedRowBlock = 256;

    /// <summary>Under the size rule (<see cref="KernelPlan.ColTiles"/> 0), a packed block of W holds at most this many bytes (half a Zen 4/5 L2).</summary>
    internal const long PackedPanelBudget = 512 << 10;

    [ThreadStatic] private static float[]? t_partials;

    /// <summary>The plan of this thread's last float32 product (tests).</summary>
    [ThreadStatic] internal static KernelPlan? t_lastPlan;

    /// <summary>Whether this thread's last float32 product ran on packed panels (tests).</summary>
    [ThreadStatic] internal static bool t_lastPacked;
    [ThreadStatic] private static float[]? t_xPanel;
    [ThreadStatic] private static byte[]? t_wPanel;

    private const int CacheLine = 64;


    /// <summary>
    /// How a product is cut into work items: column blocks of W (<paramref name="colBlock"/> rows
    /// of W, kept in L2) × row blocks of x (a multiple of the tile's <paramref name="mr"/>, at most
    /// <paramref name="maxRows"/>); rows are split further only when the column blocks alone cannot
    /// keep every thread busy. Item i is column block i / RowBlocks, row block i % RowBlocks.
    /// </summary>
    internal readonly record struct BlockPlan(int RowBlock, int ColBlock, int RowBlocks, int Items)
    {
        public static BlockPlan For(int m, int n, int mr, int colBlock, int maxRows, int threads)
        {
            int colBlocks = (n + colBlock - 1) / colBlock;
            int rowSplits = threads <= 1 ? 1 : Math.Max(1, Math.Min((m + mr - 1) / mr, (4 * threads + colBlocks - 1) / colBlocks));
            rowSplits = Math.Max(rowSplits, (m + maxRows - 1) / maxRows);
            int rowBlock = ((m + rowSplits - 1) / rowSplits + mr - 1) / mr * mr;
            int rowBlocks = (m + rowBlock - 1) / rowBlock;
            return new BlockPlan(rowBlock, colBlock, rowBlocks, colBlocks * rowBlocks);
        }
    }

    /// <summary>
    /// Work split: blocks of W rows (kept in L2) × blocks of x rows, as the <see cref="KernelPlan"/>
    /// says. A block of ≤ 8 rows runs as one wide tile so each weight is read once (generation);
    /// larger blocks use the plan's main tile (4×6 in the fixed plan). With a k-chunk, each W
    /// micro-panel is walked in k-chunks while the row tiles pass over it, the tiles parking their
    /// 16-lane accumulators in a per-thread buffer in between (stored and reloaded exactly, so the
    /// summation order is unchanged).
    /// </summary>
    private sealed unsafe class DotJob : ParallelJob
    {
        private readonly float* _x, _y;
        private readonly byte* _w;
        private readonly WeightType _type;
        private readonly int _m, _n, _k, _mr, _nr, _rowBlock, _colBlock, _rowBlocks;
        private readonly bool _accumulate;
        private readonly SimdLevel _level;
        public readonly int Items;

        private readonly int _kChunk, _slotsMax;
        private readonly DotPackedWeights? _copy;

        /// <summary>Whether the blocks run the packed tiles (W packs, see <see cref="PacksW"/>, and x has more rows than a wide or main tile takes at once); x is then packed once per product.</summary>
        public readonly bool Packed;
        private float* _xPanel;
        private readonly int _steps;

        /// <summary>Floats in x's packed panel: every row tile of <see cref="_mr"/> rows × the 16-lane steps of k.</summary>
        public long XPanelFloats => (long)((_m + _mr - 1) / _mr) * _mr * _steps * CanonicalOrder.Lanes;

        public void PackX(float* panel, int threads)
        {
            DotPacking.PackRowsParallel(_x, _m, _k, _mr, panel, threads);
            _xPanel = panel;
        }

        public DotJob(float* x, float* y, in WeightMatrix w, int m, bool accumulate, SimdLevel level, int threads, KernelPlan kernelPlan, DotPackedWeights? copy = null)
        {
            _x = x; _y = y; _w = (byte*)w.Data; _type = w.Type; _m = m; _n = w.Rows; _k = w.Cols; _copy = copy;
            _accumulate = accumulate; _level = level;
            (_mr, _nr) = (kernelPlan.Mr, kernelPlan.Nr);
            _kChunk = kernelPlan.KChunk;
            // Parked accumulators sit at slot i·NRmax + j of the level's largest tile (DotTiles.g.cs).
            _slotsMax = level == SimdLevel.Vector512 ? DotTiles.NR512 : DotTiles.NR256;
            int colTiles = kernelPlan.ColTilesFor(_k, m);
            int blockTiles = level == SimdLevel.Vector256 ? 2 * colTiles : colTiles;
            // Generation's few rows keep the row-major tiles: packing W for them would cost more than it saves.
            // With a copy packed once there is no pack to amortize: every m runs the packed tiles.
            Packed = copy is not null || PacksW(_type, kernelPlan) && level != SimdLevel.Scalar && _k > 0 && m > Math.Max(_mr, DotTiles.WideRows(level));
            _steps = DotPacking.Steps(_k);
            int maxRows = kernelPlan.MaxRowBlock;
            if (Packed)
            {
                // A block's pack of W is paid once per row block: measured at M = 64, 32 rows (W
                // packed twice) 38 % of the FMA peak, 64 rows 67 %; at M = 882 (2 threads, F16,
                // K = 5632) 64 rows 41 %, 256 rows 56 %.
                maxRows = Math.Max(PackedRowBlock, 2 * kernelPlan.MaxRowBlock);
                if (kernelPlan.ColTiles == 0)
                {
                    // The size rule's 16 column tiles at long k made a packed block of 2 MiB
                    // (K = 5632, float32), past L2: at M = 64, 16 tiles 46 %, 4 tiles 64 %.
                    int chunk = _kChunk > 0 && _k > _kChunk ? _kChunk : _k;
                    long tileBytes = (long)_nr * DotPacking.Steps(chunk) * CanonicalOrder.Lanes * (DotPacking.PanelType(_type) == WeightType.F32 ? 4 : 2);
                    blockTiles = (int)Math.Clamp(PackedPanelBudget / tileBytes, 1, blockTiles);
                }
            }
            var plan = BlockPlan.For(m, _n, _mr, _nr * blockTiles, maxRows, threads);
            (_rowBlock, _colBlock, _rowBlocks, Items) = (plan.RowBlock, plan.ColBlock, plan.RowBlocks, plan.Items);
        }

        // Fully optimised at once: the calibration times the first products of a process, which
        // would otherwise run this loop as tier-0 code until the tiered JIT replaced it.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public override void Run(int item)
        {
            int cb = item / _rowBlocks, rb = item % _rowBlocks;
            int c0 = cb * _colBlock, c1 = Math.Min(_n, c0 + _colBlock);
            int r0 = rb * _rowBlock, r1 = Math.Min(_m, r0 + _rowBlock);
            int es = _type == WeightType.F32 ? 4 : 2;
            nint ldw = (nint)_k * es;
            if (_level == SimdLevel.Scalar)
            {
                for (int i0 = r0; i0 < r1; i0 += _mr)
                    for (int j0 = c0; j0 < c1; j0 += _nr)
                        DotTiles.TileScalar(_x + (nint)i0 * _k, _k, _w + j0 * ldw, ldw, _type, _k,
                            Math.Min(_mr, r1 - i0), Math.Min(_nr, c1 - j0), _y + (nint)i0 * _n + j0, _n, _accumulate);
                return;
            }
            int rows = r1 - r0;
            if (_copy is null && rows > _mr && rows <= DotTiles.WideRows(_level))
            {
                int nrw = DotTiles.WideCols(_level, rows);
                var wide = DotTiles.Tile(_level, _type, rows, nrw); // looked up once per block, as the 4×6 tile below
                for (int j0 = c0; j0 < c1; j0 += nrw)
                {
                    int nr = Math.Min(nrw, c1 - j0);
                    (nr == nrw ? wide : DotTiles.Tile(_level, _type, rows, nr))(
                        _x + (nint)r0 * _k, _k, _w + j0 * ldw, ldw, _k, _y + (nint)r0 * _n + j0, _n, _accumulate, null, 0);
                }
                return;
            }
            if (Packed)
            {
                RunPacked(r0, r1, c0, c1);
                return;
            }
            if (_kChunk <= 0 || _k <= _kChunk || rows <= _mr)
            {
                // The full tile's entry looked up once per block: per tile, the lookup cost ~0.6 % of a prefill.
                var full = DotTiles.Tile(_level, _type, _mr, _nr);
                for (int i0 = r0; i0 < r1; i0 += _mr)
                {
                    int mr = Math.Min(_mr, r1 - i0);
                    for (int j0 = c0; j0 < c1; j0 += _nr)
                    {
                        int nr = Math.Min(_nr, c1 - j0);
                        (mr == _mr && nr == _nr ? full : DotTiles.Tile(_level, _type, mr, nr))(
                            _x + (nint)i0 * _k, _k, _w + j0 * ldw, ldw, _k, _y + (nint)i0 * _n + j0, _n, _accumulate, null, 0);
                    }
                }
                return;
            }
            int tileFloats = ((_mr - 1) * _slotsMax + _nr) * CanonicalOrder.Lanes;
            int need = (r1 - r0 + _mr - 1) / _mr * ((c1 - c0 + _nr - 1) / _nr) * tileFloats;
            var buf = t_partials;
            if (buf == null || buf.Length < need) t_partials = buf = new float[need];
            fixed (float* part = buf)
            {
                int tilesPerCol = (r1 - r0 + _mr - 1) / _mr;
                for (int k0 = 0; k0 < _k; k0 += _kChunk)
                {
                    int len = Math.Min(_kChunk, _k - k0);
                    int mode = (k0 > 0 ? DotTiles.LoadPartials : 0) | (k0 + len < _k ? DotTiles.StorePartials : 0);
                    for (int j0 = c0, u = 0; j0 < c1; j0 += _nr, u++)
                    {
                        int nr = Math.Min(_nr, c1 - j0);
                        for (int i0 = r0, t = 0; i0 < r1; i0 += _mr, t++)
                            DotTiles.Tile(_level, _type, Math.Min(_mr, r1 - i0), nr)(
                                _x + (nint)i0 * _k + k0, _k, _w + j0 * ldw + (nint)k0 * es, ldw, len,
                                _y + (nint)i0 * _n + j0, _n, _accumulate, part + (u * tilesPerCol + t) * tileFloats, mode);
                    }
                }
            }
        }

        /// <summary>
        /// One block on packed panels: per k-chunk (the whole k without one), the block's W rows are
        /// packed into this thread's panel, then every row tile (x's panel, packed once per product)
        /// passes over every column tile, parking its accumulators between chunks as above.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void RunPacked(int r0, int r1, int c0, int c1)
        {
            int es = _type == WeightType.F32 ? 4 : 2;
            nint ldw = (nint)_k * es;
            var panelType = DotPacking.PanelType(_type);
            int pes = panelType == WeightType.F32 ? 4 : 2;
            int cols = c1 - c0, colTiles = (cols + _nr - 1) / _nr, rowTiles = (r1 - r0 + _mr - 1) / _mr;
            int chunk = _kChunk > 0 && _k > _kChunk ? _kChunk : _k;
            int chunkSteps = DotPacking.Steps(chunk);
            // Reading a copy packed once, the thread's panel buffer is not used.
            long panelBytes = _copy is null ? (long)colTiles * _nr * chunkSteps * CanonicalOrder.Lanes * pes + CacheLine : CacheLine;
            var wBuf = t_wPanel;
            if (wBuf == null || wBuf.Length < panelBytes) t_wPanel = wBuf = new byte[panelBytes];
            int tileFloats = ((_mr - 1) * _slotsMax + _nr) * CanonicalOrder.Lanes;
            float[]? partBuf = null;
            if (chunk < _k)
            {
                int need = rowTiles * colTiles * tileFloats;
                partBuf = t_partials;
                if (partBuf == null || partBuf.Length < need) t_partials = partBuf = new float[need];
            }
            nint xStep = (nint)_mr * CanonicalOrder.Lanes, wStep = (nint)_nr * CanonicalOrder.Lanes * pes;
            var full = DotTiles.PackedTile(_level, panelType, _mr, _nr);
            fixed (byte* wBase = wBuf)
            fixed (float* part = partBuf)
            {
                byte* wp = PinnedLines.AlignToLine(wBase);
                for (int k0 = 0; k0 < _k; k0 += chunk)
                {
                    int len = Math.Min(chunk, _k - k0), steps = DotPacking.Steps(len);
                    if (_copy is null) DotPacking.PackWeights(_w + c0 * ldw, _type, ldw, cols, k0, len, _nr, wp, _level);
                    int mode = (k0 > 0 ? DotTiles.LoadPartials : 0) | (k0 + len < _k ? DotTiles.StorePartials : 0);
                    for (int t = 0; t < rowTiles; t++)
                    {
                        int i0 = r0 + t * _mr, mr = Math.Min(_mr, r1 - i0);
                        float* xt = _xPanel + ((nint)(i0 / _mr) * _steps + k0 / CanonicalOrder.Lanes) * xStep;
                        for (int u = 0; u < colTiles; u++)
                        {
                            int j0 = c0 + u * _nr, nr = Math.Min(_nr, c1 - j0);
                            (mr == _mr && nr == _nr ? full : DotTiles.PackedTile(_level, panelType, mr, nr))(
                                xt, xStep, _copy is null ? wp + (nint)u * steps * wStep : _copy.Tile(c0 / _nr + u, k0 / CanonicalOrder.Lanes), wStep, steps, _y + (nint)i0 * _n + j0, _n, _accumulate,
                                part + (t * colTiles + u) * tileFloats, mode);
                        }
                    }
                }
            }
        }
    }
}
