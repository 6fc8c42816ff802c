using System.Collections.Concurrent;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference;

/// <summary>
/// The forward pass's y = x·Wᵀ in the model's <see cref="ComputePrecision"/>. With packing once
/// (<see cref="EngineOptions.PackWeights"/>) each matrix is packed, on its first product, into a
/// copy the tiles read directly, kept with the model until <see cref="Release"/>: float32 on F32
/// or BF16 rows <see cref="DotPackedWeights"/> (the same bits as <see cref="MatMul"/> on W itself;
/// F16, quantized or row-mapped matrices go to <see cref="MatMul"/> as stored), bfloat16 on the
/// emitted tiles <see cref="Bf16PackedWeights"/> (F32, F16, quantized or row-mapped matrices
/// rounded to bfloat16 first). The widening fallback reads BF16 weights as stored (memory-mapped,
/// no copy) and keeps a rounded copy of any other matrix. Safe for concurrent callers.
/// </summary>
internal sealed class MatrixProducts
{
    private readonly ComputePrecision _precision;
    private readonly Bf16Kernel? _kernel;
    private readonly ConcurrentDictionary<nint, Lazy<Bf16Copy>> _copies = new();
    private readonly ConcurrentDictionary<nint, Lazy<Bf16PackedWeights>> _packed = new();
    private readonly ConcurrentDictionary<nint, Lazy<DotPackedWeights>> _dotPacked = new();

    private readonly Action<WeightMatrix>? _packedFrom;
    private readonly bool _packOnce;

    /// <param name="kernel">The bfloat16 kernel; null: the machine's, resolved at the first bfloat16 product.</param>
    /// <param name="packOnce">Whether the tiles read copies packed once (else W is read, or packed, per product).</param>
    /// <param name="packedFrom">Told of each matrix once its packed copy exists (the model gives its mapped pages back).</param>
    public MatrixProducts(ComputePrecision precision, Bf16Kernel? kernel, bool packOnce = true, Action<WeightMatrix>? packedFrom = null)
    {
        _precision = precision; _kernel = kernel; _packOnce = packOnce; _packedFrom = packedFrom;
    }

    public void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y)
    {
        if (_precision == ComputePrecision.F32)
        {
            if (_packOnce && DotPackedWeights.Supports(w) && KernelOptions.Cap(KernelOptions.Simd) != SimdLevel.Scalar) MatMul.Multiply(x, m, DotPacked(w, m), y);
            else MatMul.Multiply(x, m, w, y);
        }
        else if ((_kernel ?? Bf16MatMul.HardwareKernel) != Bf16Kernel.Emitted) Bf16MatMul.Multiply(x, m, AsBf16(w), y, Bf16Kernel.Widening, KernelOptions.MaxThreads);
        else if (_packOnce) Bf16MatMul.Multiply(x, m, Packed(w), y, KernelOptions.MaxThreads);
        else Bf16MatMul.Multiply(x, m, AsBf16(w), y, Bf16Kernel.Emitted, KernelOptions.MaxThreads);
    }

    /// <summary>Bytes of the packed copies held now.</summary>
    public long PackedBytes => _packed.Values.Where(p => p.IsValueCreated).Sum(p => p.Value.Bytes)
                               + _dotPacked.Values.Where(p => p.IsValueCreated).Sum(p => p.Value.Bytes);

    /// <summary>
    /// Drops the copies made of <paramref name="matrices"/> (a streamed layer whose pages go back
    /// to the kernel); a later product on one of them makes its copy again.
    /// </summary>
    public void Release(IEnumerable<WeightMatrix> matrices)
    {
        foreach (var w in matrices)
        {
            nint key = Key(w);
            _packed.TryRemove(key, out _);
            _dotPacked.TryRemove(key, out _);
            _copies.TryRemove(key, out _);
        }
    }

    private static unsafe nint Key(in WeightMatrix w) => (nint)w.Data;

    private Bf16PackedWeights Packed(in WeightMatrix w)
    {
        var source = w;
        return _packed.GetOrAdd(Key(w), _ => new Lazy<Bf16PackedWeights>(() =>
        {
            var packed = Pack(source);
            _packedFrom?.Invoke(source);
            return packed;
        })).Value;
    }

    /// <summary>
    /// The float32 copy of W for the tile width of the plan this product runs (a copy made for
    /// another width, before a calibration changed the plan, is replaced).
    /// </summary>
    private DotPackedWeights DotPacked(in WeightMatrix w, int m)
    {
        int nr = MatMul.PlanFor(w.Type, m, w.Rows, w.Cols).Nr;
        var source = w;
        Lazy<DotPackedWeights> Make() => new(() =>
        {
            var packed = DotPackedWeights.Pack(source, nr, KernelOptions.Cap(KernelOptions.Simd), KernelOptions.MaxThreads);
            _packedFrom?.Invoke(source);
            return packed;
        });
        var entry = _dotPacked.GetOrAdd(Key(w), _ => Make());
        if (entry.Value.Nr != nr)
        {
            var fresh = Make();
            entry = _dotPacked.TryUpdate(Key(w), fresh, entry) ? fresh : _dotPacked[Key(w)];
        }
        return entry.Value;
    }

    private static Bf16PackedWeights Pack(in WeightMatrix w)
    {
        if (w.Type == WeightType.BF16 && w.RowMap is null) return Bf16PackedWeights.Pack(w, KernelOptions.MaxThreads);
        // Any other matrix is rounded into a temporary copy first, kept alive until packed.
        var rounded = Bf16Copy.Of(w);
        var packed = Bf16PackedWeights.Pack(rounded.Matrix, KernelOptions.MaxThreads);
        GC.KeepAlive(rounded);
        return packed;
    }

    private WeightMatrix AsBf16(in WeightMatrix w)
    {
        if (w.Type == WeightType.BF16 && w.RowMap is null) return w;
        var source = w;
        var copy = _copies.GetOrAdd(Key(w), _ => new Lazy<Bf16Copy>(() => Bf16Copy.Of(source))).Value;
        return copy.Matrix;
    }

    /// <summary>A matrix's logical rows rounded to bfloat16 in pinned memory (the GC never moves it).</summary>
    private sealed unsafe class Bf16Copy
    {
        public required ushort[] Bits { get; init; }
        public required WeightMatrix Matrix { get; init; }

        public static Bf16Copy Of(in WeightMatrix w)
        {
            var bits = GC.AllocateUninitializedArray<ushort>(checked(w.Rows * w.Cols), pinned: true);
            var row = new float[w.Cols];
            for (int r = 0; r < w.Rows; r++)
            {
                DequantizeRows.Row(w, r, row);
                Bf16Rounding.ToBf16(row, bits.AsSpan(r * w.Cols, w.Cols));
            }
            fixed (ushort* p = bits) // pinned array: the address stays valid for the array's lifetime
                return new Bf16Copy { Bits = bits, Matrix = new WeightMatrix(p, WeightType.BF16, w.Rows, w.Cols) };
        }
    }
}
