using RelationNeurons.Tensors;
namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// y = x·Wᵀ for matrices the strided kernels cannot read in place: ggml block types and row-mapped
/// matrices (GGUF Q/K). Each work item decodes a tile of NR weight rows into a small per-thread
/// float32 scratch (<see cref="DequantizeRows"/>; never the whole matrix) and runs the float32 tile
/// over its x rows. The tile sums in <see cref="CanonicalOrder"/>, so every output equals the F32
/// kernel on the dequantized matrix bit for bit, whatever m, the thread count or the split.
/// </summary>
internal static unsafe class QuantizedMatMul
{
    [ThreadStatic] private static float[]? t_scratch;

    public static void Multiply(float* x, int m, in WeightMatrix w, float* y, bool accumulate, SimdLevel level, int threads)
    {
        var job = new Job(x, y, w, m, accumulate, level, threads);
        KernelParallel.Run(job, job.Items, threads);
    }

    private sealed class Job : ParallelJob
    {
        private readonly float* _x, _y;
        private readonly WeightMatrix _w;
        private readonly int _m, _n, _k, _mr, _nr, _rowBlock, _colBlock, _rowBlocks;
        private readonly bool _accumulate;
        private readonly SimdLevel _level;
        public readonly int Items;

        public Job(float* x, float* y, in WeightMatrix w, int m, bool accumulate, SimdLevel level, int threads)
        {
            _x = x; _y = y; _w = w; _m = m; _n = w.Rows; _k = w.Cols; _accumulate = accumulate; _level = level;
            (_mr, _nr) = DotTiles.Shape(level);
            _colBlock = _nr * 4;
            int colBlocks = (_n + _colBlock - 1) / _colBlock;
            // Row splits re-decode the same weight rows, so split x only when weight blocks cannot keep threads busy.
            int rowSplits = Math.Max(1, Math.Min((m + _mr - 1) / _mr, (2 * threads + colBlocks - 1) / colBlocks));
            _rowBlock = ((m + rowSplits - 1) / rowSplits + _mr - 1) / _mr * _mr;
            _rowBlocks = (m + _rowBlock - 1) / _rowBlock;
            Items = colBlocks * _rowBlocks;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public override void Run(int item)
        {
            int cb = item / _rowBlocks, rb = item % _rowBlocks;
            int c0 = cb * _colBlock, c1 = Math.Min(_n, c0 + _colBlock);
            int r0 = rb * _rowBlock, r1 = Math.Min(_m, r0 + _rowBlock);
            long need = (long)_nr * _k;
            var scratch = t_scratch;
            if (scratch is null || scratch.Length < need) t_scratch = scratch = new float[need];
            nint ldw = (nint)_k * sizeof(float);
            fixed (float* wf = scratch)
            {
                for (int j0 = c0; j0 < c1; j0 += _nr)
                {
                    int nr = Math.Min(_nr, c1 - j0);
                    for (int j = 0; j < nr; j++) DequantizeRows.Row(_w, j0 + j, wf + (nint)j * _k);
                    for (int i0 = r0; i0 < r1; i0 += _mr)
                    {
                        int mr = Math.Min(_mr, r1 - i0);
                        float* xt = _x + (nint)i0 * _k;
                        float* yt = _y + (nint)i0 * _n + j0;
                        if (_level == SimdLevel.Scalar)
                            DotTiles.TileScalar(xt, _k, (byte*)wf, ldw, WeightType.F32, _k, mr, nr, yt, _n, _accumulate);
                        else
                            DotTiles.Tile(_level, WeightType.F32, mr, nr)(xt, _k, (byte*)wf, ldw, _k, yt, _n, _accumulate, null, 0);
                    }
                }
            }
        }
    }
}
