using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// A bfloat16 matrix W [n×k] packed once, whole, into the VNNI layout the emitted tiles read
/// (<see cref="Bf16Packing"/>): panel q (columns 16q..16q+15) holds every pair of k, pair p at
/// dword (q·Pairs + p)·16. A slice of a column block is then a window of it (panel stride
/// Pairs·64 bytes), so a product reads the same values in the same order as when it packs each
/// slice itself: the same bits. Packing per product reads W from its file mapping on every
/// product; on the dev VM that pass ran at 4-6 GB/s over a 2 GB mapping (against 13-20 GB/s over
/// anonymous memory) and cost a quarter of the products' time at batch 16. The copy takes as much
/// memory as the bfloat16 weights (plus column padding to whole panels): anonymous, pinned.
/// </summary>
public sealed unsafe class Bf16PackedWeights
{
    private readonly PinnedLines _lines;

    /// <summary>Output columns (W's rows) and k.</summary>
    public int Rows { get; }
    public int Cols { get; }
    /// <summary>Pairs of k per panel line run: ⌈k/2⌉.</summary>
    public int Pairs => (Cols + 1) / 2;
    public int Panels => (Rows + Bf16Packing.Panel - 1) / Bf16Packing.Panel;

    /// <summary>Bytes a packed copy of an n×k matrix takes (its lines and their alignment slack).</summary>
    public static long BytesFor(long n, long k) => LineBytes(n, k) + 64;

    private static long LineBytes(long n, long k) => (n + Bf16Packing.Panel - 1) / Bf16Packing.Panel * Bf16Packing.Panel * ((k + 1) / 2) * sizeof(uint);

    public long Bytes => _lines.Bytes;

    /// <summary>The first panel's first line (pinned: valid while this object lives).</summary>
    internal uint* Data => (uint*)_lines.Data;

    private Bf16PackedWeights(int rows, int cols)
    {
        Rows = rows; Cols = cols;
        _lines = new PinnedLines(LineBytes(rows, cols), $"a {rows}×{cols} matrix");
    }

    /// <summary>Packs plain bfloat16 rows (no row map), panels split over up to <paramref name="maxThreads"/> threads.</summary>
    public static Bf16PackedWeights Pack(in WeightMatrix w, int maxThreads)
    {
        if (w.Type != WeightType.BF16 || w.RowMap is not null) throw new ArgumentException("Bf16PackedWeights: W must be plain bfloat16 rows (no row map)");
        var packed = new Bf16PackedWeights(w.Rows, w.Cols);
        if (w.Rows == 0 || w.Cols == 0) return packed;
        var job = new PackJob((ushort*)w.Data, packed);
        KernelParallel.Run(job, job.Items, KernelParallel.ThreadsFor((long)w.Rows * w.Cols, maxThreads));
        return packed;
    }

    /// <summary>Groups of panels, each packed over all of k.</summary>
    private sealed class PackJob(ushort* w, Bf16PackedWeights packed) : ParallelJob
    {
        private const int PanelsPerItem = 4;
        public int Items => (packed.Panels + PanelsPerItem - 1) / PanelsPerItem;

        public override void Run(int item)
        {
            int c0 = item * PanelsPerItem * Bf16Packing.Panel;
            int cols = Math.Min(packed.Rows, c0 + PanelsPerItem * Bf16Packing.Panel) - c0;
            // Panel q of these columns lands at q·Pairs lines: the whole-matrix layout.
            Bf16Packing.Pack(w, packed.Rows, packed.Cols, c0, cols, 0, packed.Pairs, packed.Data + (nint)c0 * packed.Pairs);
        }
    }
}
