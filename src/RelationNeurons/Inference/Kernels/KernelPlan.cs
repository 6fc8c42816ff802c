using System.Globalization;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// The products a <see cref="KernelPlan"/> is chosen for, one plan per kind (and SIMD level):
/// <see cref="MatMul"/>'s float32 arithmetic on each stored weight type, since the best plan
/// differs between them (measured on Zen 5: F32 and F16 weights run fastest on packed panels,
/// BF16 weights on the row-major tiles, whose in-register widening costs 2 operations). The
/// bfloat16 <c>vdpbf16ps</c> tiles (<see cref="Bf16MatMul"/>) can get a kind of their own once
/// their planner reads a plan.
/// </summary>
public enum KernelKind
{
    /// <summary>Float32 products on F32 weights (and the trainer's float32 operands).</summary>
    F32Dot,
    /// <summary>Float32 products on BF16 weights, widened in registers.</summary>
    F32DotBF16,
    /// <summary>Float32 products on F16 weights, widened into packed panels.</summary>
    F32DotF16,
}

/// <summary>
/// How a dot-product matrix kernel cuts a product: the main register tile (<see cref="Mr"/> rows
/// of x × <see cref="Nr"/> rows of W), the column tiles per block of W (0 = the size rule of
/// <see cref="ColTilesFor"/>), the most rows of x per block, the k-chunk (0 = off) and whether
/// the tiles read packed operand panels (<see cref="DotPacking"/>: x once per product, each
/// column block of W once per block and k-chunk). Every output is summed in
/// <see cref="CanonicalOrder"/> whatever the plan, so a plan changes speed, never a result.
/// Written <c>4x6-c0-r32-k0</c>, with <c>-p1</c> appended when packed.
/// </summary>
public readonly record struct KernelPlan(int Mr, int Nr, int ColTiles, int MaxRowBlock, int KChunk, bool Packed = false)
{
    /// <summary>The fixed plan: 4×6 tiles, the column-tile size rule, row blocks of ≤ 32, no k-chunks (measured on Zen 4).</summary>
    public static KernelPlan Default(SimdLevel level)
    {
        var (mr, nr) = DotTiles.Shape(level);
        return new KernelPlan(mr, nr, 0, 32, 0);
    }

    /// <summary>
    /// Column tiles per block: <see cref="ColTiles"/>, or with 0 the size rule (16 for long k with ≥ 64
    /// rows, else 4). A row tile's x rows are reused across the block's column tiles; once they
    /// outgrow L1 (long k, e.g. down_proj's k = d_ff) a wider block re-reads them less often.
    /// Measured on Zen 4 (M=896, K=5632, N=2048, BF16): 4 tiles 68 %, 8 tiles 84 %, 16 tiles 85 % of
    /// FMA peak; at K=2048, and for a handful of rows (one prompt: fewer, larger blocks leave a
    /// thread idle), 4 tiles stay best.
    /// </summary>
    public int ColTilesFor(int k, int m) => ColTiles > 0 ? ColTiles : k > 3072 && m >= 64 ? 16 : 4;

    /// <summary>Whether the level has a tile of this shape and the blocking values are usable.</summary>
    public bool IsValidFor(SimdLevel level)
    {
        var (mrMax, nrMax) = level == SimdLevel.Vector512 ? (DotTiles.MR512, DotTiles.NR512) : DotTiles.Shape(level);
        int maxAcc = level == SimdLevel.Vector512 ? DotTiles.MaxAcc512 : int.MaxValue;
        return Mr >= 1 && Nr >= 1 && Mr <= mrMax && Nr <= nrMax && Mr * Nr <= maxAcc
            && ColTiles is >= 0 and <= 64 && MaxRowBlock is >= 1 and <= 4096 && KChunk is >= 0 and <= 1 << 20
            && KChunk % CanonicalOrder.Lanes == 0; // a chunk must end on a lane boundary, or the lanes of the next one shift
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mr}x{Nr}-c{ColTiles}-r{MaxRowBlock}-k{KChunk}{(Packed ? "-p1" : "")}");

    /// <summary>Reads <see cref="ToString"/>'s form; the parts after the tile may be left out (then the default's).</summary>
    public static bool TryParse(string? text, out KernelPlan plan)
    {
        plan = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().ToLowerInvariant().Split('-');
        var tile = parts[0].Split('x');
        if (tile.Length != 2 || !Int(tile[0], out int mr) || !Int(tile[1], out int nr)) return false;
        int colTiles = 0, rows = 32, kChunk = 0, packed = 0;
        foreach (var p in parts.Skip(1))
        {
            if (p.Length < 2 || !Int(p[1..], out int v)) return false;
            switch (p[0])
            {
                case 'c': colTiles = v; break;
                case 'r': rows = v; break;
                case 'k': kChunk = v; break;
                case 'p' when v <= 1: packed = v; break;
                default: return false;
            }
        }
        plan = new KernelPlan(mr, nr, colTiles, rows, kChunk, packed == 1);
        return true;

        static bool Int(string s, out int v) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }

    /// <summary>Name of a kind in the cache file, the bench and <c>run.json</c>.</summary>
    public static string KindName(KernelKind kind) => kind switch
    {
        KernelKind.F32Dot => "f32-dot",
        KernelKind.F32DotBF16 => "f32-dot-bf16w",
        KernelKind.F32DotF16 => "f32-dot-f16w",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The kind of a float32 product on weights stored as <paramref name="type"/> (F32, BF16 or F16).</summary>
    public static KernelKind KindFor(WeightType type) => type switch
    {
        WeightType.BF16 => KernelKind.F32DotBF16,
        WeightType.F16 => KernelKind.F32DotF16,
        _ => KernelKind.F32Dot,
    };

    /// <summary>The stored weight type a kind's calibration times.</summary>
    public static WeightType WeightsOf(KernelKind kind) => kind switch
    {
        KernelKind.F32DotBF16 => WeightType.BF16,
        KernelKind.F32DotF16 => WeightType.F16,
        _ => WeightType.F32,
    };
}
