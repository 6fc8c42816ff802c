using RelationNeurons.Tensors;
namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// Plain float32 matrix products on row-major arrays for the trainer. All three are
/// deterministic and independent of the thread count; with <c>accumulate</c> each output gets
/// c + (product), the product computed exactly as without it.
/// </summary>
public static class MatMulF32
{
    /// <summary>c[m×n] (+)= a[m×k] · b[n×k]ᵀ. Same kernel and summation order as <see cref="MatMul.Multiply"/>.</summary>
    public static unsafe void MultiplyNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate) =>
        MultiplyNT(a, b, c, m, n, k, accumulate, KernelOptions.Simd, KernelOptions.MaxThreads);

    /// <summary>c[m×n] (+)= a[m×k] · b[k×n].</summary>
    public static void MultiplyNN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate) =>
        MultiplyNN(a, b, c, m, n, k, accumulate, KernelOptions.Simd, KernelOptions.MaxThreads);

    /// <summary>c[m×n] (+)= a[k×m]ᵀ · b[k×n] (weight gradients: Σ over the batch rows p).</summary>
    public static void MultiplyTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate) =>
        MultiplyTN(a, b, c, m, n, k, accumulate, KernelOptions.Simd, KernelOptions.MaxThreads);

    internal static unsafe void MultiplyNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate, SimdLevel level, int maxThreads)
    {
        Check(a.Length, b.Length, c.Length, m, n, k, (long)n * k);
        fixed (float* bp = b)
            MatMul.Multiply(a, m, new WeightMatrix(bp, WeightType.F32, n, k), c, accumulate, level, maxThreads);
    }

    internal static unsafe void MultiplyNN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate, SimdLevel level, int maxThreads)
    {
        Check(a.Length, b.Length, c.Length, m, n, k, (long)k * n);
        fixed (float* ap = a, bp = b, cp = c)
            Outer(ap, k, 1, bp, cp, m, n, k, accumulate, level, maxThreads);
    }

    internal static unsafe void MultiplyTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate, SimdLevel level, int maxThreads)
    {
        Check(a.Length, b.Length, c.Length, m, n, k, (long)k * n);
        fixed (float* ap = a, bp = b, cp = c)
            Outer(ap, 1, m, bp, cp, m, n, k, accumulate, level, maxThreads);
    }

    private static void Check(int aLen, int bLen, int cLen, int m, int n, int k, long bNeed)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException("MatMulF32: negative dimension");
        if (aLen < (long)m * k) throw new ArgumentException($"MatMulF32: a holds {aLen} floats, needs {(long)m * k}");
        if (bLen < bNeed) throw new ArgumentException($"MatMulF32: b holds {bLen} floats, needs {bNeed}");
        if (cLen < (long)m * n) throw new ArgumentException($"MatMulF32: c holds {cLen} floats, needs {(long)m * n}");
    }

    private static unsafe void Outer(float* a, nint sai, nint sap, float* b, float* c, int m, int n, int k, bool accumulate, SimdLevel level, int maxThreads)
    {
        if (m == 0 || n == 0) return;
        level = KernelOptions.Cap(level);
        int threads = KernelParallel.ThreadsFor((long)m * n * k, maxThreads);
        var job = new OuterJob(a, sai, sap, b, c, m, n, k, accumulate, level);
        KernelParallel.Run(job, job.Items, threads);
    }

    /// <summary>
    /// k-chunk of the NN/TN tiles (0 = off): B's column panel is walked in chunks that stay in L2
    /// while all row tiles of a block pass over it; accumulators are parked exactly in between.
    /// A field so the bench can sweep it; results never depend on it.
    /// </summary>
    internal static int OuterKChunk = 256;

    [ThreadStatic] private static float[]? t_partials;

    private sealed unsafe class OuterJob : ParallelJob
    {
        private readonly float* _a, _b, _c;
        private readonly nint _sai, _sap;
        private readonly int _m, _n, _k, _mr, _cols, _lanes, _rowBlock, _colBlocks;
        private readonly bool _accumulate;
        private readonly SimdLevel _level;
        public readonly int Items;

        public OuterJob(float* a, nint sai, nint sap, float* b, float* c, int m, int n, int k, bool accumulate, SimdLevel level)
        {
            _a = a; _b = b; _c = c; _sai = sai; _sap = sap; _m = m; _n = n; _k = k;
            _accumulate = accumulate; _level = level;
            (_mr, _cols, _lanes) = OuterTiles.Shape(level);
            _rowBlock = _mr * 8;
            _colBlocks = (n + _cols - 1) / _cols;
            Items = _colBlocks * ((m + _rowBlock - 1) / _rowBlock);
        }

        public override void Run(int item)
        {
            int rb = item / _colBlocks, cb = item % _colBlocks;
            int c0 = cb * _cols, nc = Math.Min(_cols, _n - c0);
            int r0 = rb * _rowBlock, r1 = Math.Min(_m, r0 + _rowBlock);
            int nv = _level == SimdLevel.Scalar ? 0 : nc / _lanes;
            int vecCols = nv * _lanes;
            int chunk = OuterKChunk;
            if (nv == 0 || chunk <= 0 || _k <= chunk || r1 - r0 <= _mr)
            {
                for (int i0 = r0; i0 < r1; i0 += _mr)
                {
                    int mr = Math.Min(_mr, r1 - i0);
                    float* ai = _a + i0 * _sai;
                    float* ci = _c + (nint)i0 * _n + c0;
                    if (nv > 0)
                        OuterTiles.Tile(_level, mr, nv)(ai, _sai, _sap, _b + c0, _n, _k, ci, _n, _accumulate, null, 0);
                    if (vecCols < nc)
                        OuterTiles.TileScalar(ai, _sai, _sap, _b + c0 + vecCols, _n, _k, mr, nc - vecCols, ci + vecCols, _n, _accumulate);
                }
                return;
            }
            int tileFloats = _mr * _cols;
            int need = (r1 - r0 + _mr - 1) / _mr * tileFloats;
            var buf = t_partials;
            if (buf == null || buf.Length < need) t_partials = buf = new float[need];
            fixed (float* part = buf)
            {
                for (int k0 = 0; k0 < _k; k0 += chunk)
                {
                    int len = Math.Min(chunk, _k - k0);
                    int mode = (k0 > 0 ? OuterTiles.LoadPartials : 0) | (k0 + len < _k ? OuterTiles.StorePartials : 0);
                    for (int i0 = r0, t = 0; i0 < r1; i0 += _mr, t++)
                        OuterTiles.Tile(_level, Math.Min(_mr, r1 - i0), nv)(_a + i0 * _sai + k0 * _sap, _sai, _sap, _b + (nint)k0 * _n + c0, _n, len,
                            _c + (nint)i0 * _n + c0, _n, _accumulate, part + t * tileFloats, mode);
                }
            }
            if (vecCols < nc)
                for (int i0 = r0; i0 < r1; i0 += _mr)
                    OuterTiles.TileScalar(_a + i0 * _sai, _sai, _sap, _b + c0 + vecCols, _n, _k, Math.Min(_mr, r1 - i0), nc - vecCols,
                        _c + (nint)i0 * _n + c0 + vecCols, _n, _accumulate);
        }
    }
}
