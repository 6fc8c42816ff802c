using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// A float32-compute weight matrix W [n×k] (F32 or BF16 rows) packed once, whole, into the panels
/// the packed dot tiles read (<see cref="DotPacking.PackWeights"/> over all of k): tile u (W rows
/// u·Nr ..), step s, row j at element ((u·Steps + s)·Nr + j)·16, in <see cref="DotPacking.PanelType"/>.
/// A k-chunk of a column block is then a window of it (tile u from step k0/16), so a product on
/// the copy runs the same tiles on the same values as one that packs per block: the same bits.
/// Measured on the Zen 5 dev VM, TinyLlama's products over a pooled pass at batch 64 (BF16
/// weights, 2 threads): row-major 5.0-5.3 s, packed per block 4.9 s, on a copy packed once
/// 4.55-4.59 s (78 % of the FMA peak). As large as the stored matrix (plus padding to whole tiles).
/// </summary>
public sealed unsafe class DotPackedWeights
{
    private readonly PinnedLines _lines;

    /// <summary>The matrix it was packed from (its bytes may be given back to the kernel: reading them faults them in again).</summary>
    public WeightMatrix Source { get; }
    /// <summary>W rows per tile (the plan's nr the copy was packed for).</summary>
    public int Nr { get; }
    /// <summary>16-lane steps over all of k.</summary>
    public int Steps { get; }
    public WeightType PanelType { get; }
    public long Bytes => _lines.Bytes;

    /// <summary>Bytes a copy of an n×k matrix stored as <paramref name="stored"/> takes for tiles of <paramref name="nr"/> W rows (its lines and their alignment slack).</summary>
    public static long BytesFor(long n, long k, WeightType stored, int nr) => LineBytes(n, k, stored, nr) + 64;

    private static long LineBytes(long n, long k, WeightType stored, int nr) =>
        (n + nr - 1) / nr * nr * ((k + 15) / 16) * 16 * ElementSize(DotPacking.PanelType(stored));

    /// <summary>Whether a matrix of this kind can have a copy: plain F32 or BF16 rows (F16 would double in float32 panels).</summary>
    public static bool Supports(in WeightMatrix w) => Supports(w.Type) && !w.NeedsRowDecode;

    /// <summary>Whether weights stored as <paramref name="type"/> can have a copy.</summary>
    public static bool Supports(WeightType type) => type == WeightType.F32 || type == WeightType.BF16;

    private static int ElementSize(WeightType panelType) => panelType == WeightType.F32 ? 4 : 2;

    internal byte* Data => _lines.Data;

    /// <summary>Tile u's window from step <paramref name="step"/>.</summary>
    internal byte* Tile(int u, int step) => Data + ((long)u * Steps + step) * Nr * 16 * ElementSize(PanelType);

    private DotPackedWeights(in WeightMatrix w, int nr)
    {
        Source = w; Nr = nr; Steps = DotPacking.Steps(w.Cols); PanelType = DotPacking.PanelType(w.Type);
        _lines = new PinnedLines(LineBytes(w.Rows, w.Cols, w.Type, nr), $"a {w.Rows}×{w.Cols} matrix");
    }

    /// <summary>Packs <paramref name="w"/> for tiles of <paramref name="nr"/> W rows, its tiles split over up to <paramref name="maxThreads"/> threads.</summary>
    public static DotPackedWeights Pack(in WeightMatrix w, int nr, SimdLevel level, int maxThreads)
    {
        if (!Supports(w)) throw new ArgumentException($"DotPackedWeights: {w.Type} weights{(w.RowMap is null ? "" : " with a row map")} are not packed once");
        var packed = new DotPackedWeights(w, nr);
        if (w.Rows == 0 || w.Cols == 0) return packed;
        var job = new PackJob(packed, level);
        KernelParallel.Run(job, job.Items, KernelParallel.ThreadsFor((long)w.Rows * w.Cols, maxThreads));
        return packed;
    }

    /// <summary>Groups of tiles, each packed over all of k.</summary>
    private sealed class PackJob(DotPackedWeights packed, SimdLevel level) : ParallelJob
    {
        private const int TilesPerItem = 16;
        private readonly int _tiles = (packed.Source.Rows + packed.Nr - 1) / packed.Nr;
        public int Items => (_tiles + TilesPerItem - 1) / TilesPerItem;

        public override void Run(int item)
        {
            var w = packed.Source;
            int u0 = item * TilesPerItem, r0 = u0 * packed.Nr, rows = Math.Min(w.Rows, r0 + TilesPerItem * packed.Nr) - r0;
            nint ldw = (nint)w.RowBytes;
            DotPacking.PackWeights((byte*)w.Data + r0 * ldw, w.Type, ldw, rows, 0, w.Cols, packed.Nr, packed.Tile(u0, 0), level);
        }
    }
}
