using System.Collections.Concurrent;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference;

/// <summary>
/// The forward pass's y = x·Wᵀ in the model's <see cref="ComputePrecision"/>. Float32 goes
/// straight to <see cref="MatMul"/> (unchanged, bit for bit). Bfloat16 reads BF16 weights as
/// stored (memory-mapped, no copy); any other matrix (F32, F16, quantized or row-mapped) is
/// rounded to bfloat16 once, on its first product, and the copy kept with the model. Safe for
/// concurrent callers.
/// </summary>
internal sealed class MatrixProducts
{
    private readonly ComputePrecision _precision;
    private readonly Bf16Kernel? _kernel;
    private readonly ConcurrentDictionary<nint, Lazy<Bf16Copy>> _copies = new();

    /// <param name="kernel">The bfloat16 kernel; null: the machine's, resolved at the first bfloat16 product.</param>
    public MatrixProducts(ComputePrecision precision, Bf16Kernel? kernel)
    {
        _precision = precision; _kernel = kernel;
    }

    public void Multiply(ReadOnlySpan<float> x, int m, in WeightMatrix w, Span<float> y)
    {
        if (_precision == ComputePrecision.F32) MatMul.Multiply(x, m, w, y);
        else Bf16MatMul.Multiply(x, m, AsBf16(w), y, _kernel ?? Bf16MatMul.HardwareKernel, KernelOptions.MaxThreads);
    }

    private unsafe WeightMatrix AsBf16(in WeightMatrix w)
    {
        if (w.Type == WeightType.BF16 && w.RowMap is null) return w;
        var source = w;
        var copy = _copies.GetOrAdd((nint)w.Data, _ => new Lazy<Bf16Copy>(() => Bf16Copy.Of(source))).Value;
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
