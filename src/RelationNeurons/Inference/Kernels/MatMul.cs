namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// y[m×n] = x[m×k] · Wᵀ with W [n×k] stored as F32, F16 or BF16 (widened in registers, never
/// copied). Every output element is summed in <see cref="CanonicalOrder"/>, so row i of y is
/// bit-identical whatever m, the thread count or the SIMD level (batched == single).
/// </summary>
public static class MatMul
{
    /// <summary>y[m×n] = x[m×k] · Wᵀ where W is [n×k] in its stored type; y is overwritten.</summary>
    public static void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y) =>
        Multiply(x, m, w, y, accumulate: false, KernelOptions.Simd, KernelOptions.MaxThreads);

    /// <summary>Explicit-level entry: <paramref name="accumulate"/> makes it y += x·Wᵀ (each element gets one final add).</summary>
    internal static unsafe void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y, bool accumulate, SimdLevel level, int maxThreads)
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
            var job = new DotJob(xp, yp, w, m, accumulate, level, threads);
            KernelParallel.Run(job, job.Items, threads);
        }
    }

    /// <summary>Work split: blocks of W rows (kept hot in L2 while x streams past) × blocks of x rows.</summary>
    private sealed unsafe class DotJob : ParallelJob
    {
        private readonly float* _x, _y;
        private readonly byte* _w;
        private readonly WeightType _type;
        private readonly int _m, _n, _k, _mr, _nr, _rowBlock, _colBlock, _rowBlocks;
        private readonly bool _accumulate;
        private readonly SimdLevel _level;
        public readonly int Items;

        public DotJob(float* x, float* y, in WeightMatrix w, int m, bool accumulate, SimdLevel level, int threads)
        {
            _x = x; _y = y; _w = (byte*)w.Data; _type = w.Type; _m = m; _n = w.Rows; _k = w.Cols;
            _accumulate = accumulate; _level = level;
            (_mr, _nr) = DotTiles.Shape(level);
            _colBlock = _nr * (level == SimdLevel.Vector256 ? 8 : 4);
            int colBlocks = (_n + _colBlock - 1) / _colBlock;
            // Split rows only when column blocks alone cannot keep every thread busy.
            int rowSplits = Math.Max(1, Math.Min((m + _mr - 1) / _mr, (4 * threads + colBlocks - 1) / colBlocks));
            _rowBlock = ((m + rowSplits - 1) / rowSplits + _mr - 1) / _mr * _mr;
            _rowBlocks = (m + _rowBlock - 1) / _rowBlock;
            Items = colBlocks * _rowBlocks;
        }

        public override void Run(int item)
        {
            int cb = item / _rowBlocks, rb = item % _rowBlocks;
            int c0 = cb * _colBlock, c1 = Math.Min(_n, c0 + _colBlock);
            int r0 = rb * _rowBlock, r1 = Math.Min(_m, r0 + _rowBlock);
            int es = _type == WeightType.F32 ? 4 : 2;
            nint ldw = (nint)_k * es;
            for (int i0 = r0; i0 < r1; i0 += _mr)
            {
                int mr = Math.Min(_mr, r1 - i0);
                for (int j0 = c0; j0 < c1; j0 += _nr)
                {
                    int nr = Math.Min(_nr, c1 - j0);
                    float* xt = _x + (nint)i0 * _k;
                    byte* wt = _w + j0 * ldw;
                    float* yt = _y + (nint)i0 * _n + j0;
                    if (_level == SimdLevel.Scalar)
                        DotTiles.TileScalar(xt, _k, wt, ldw, _type, _k, mr, nr, yt, _n, _accumulate);
                    else
                        DotTiles.Tile(_level, _type, mr, nr)(xt, _k, wt, ldw, _k, yt, _n, _accumulate);
                }
            }
        }
    }
}
