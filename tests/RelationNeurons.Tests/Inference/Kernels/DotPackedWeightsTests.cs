using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Inference.Kernels;

/// <summary>Float32 products on weights packed once: the bits of the product on W itself, for every m, plan and edge.</summary>
public class DotPackedWeightsTests
{
    [SkippableTheory]
    [InlineData(WeightType.F32, 1, 13, 37)]
    [InlineData(WeightType.BF16, 1, 13, 37)]
    [InlineData(WeightType.F32, 5, 40, 100)]     // a wide-tile batch on W; packed tiles on the copy
    [InlineData(WeightType.BF16, 9, 25, 1030)]   // k past a chunk and not a whole step
    [InlineData(WeightType.BF16, 70, 64, 2048)]
    [InlineData(WeightType.F32, 300, 7, 33)]     // fewer W rows than one tile
    public void ProductOnTheCopyEqualsTheProductOnW(WeightType type, int m, int n, int k)
    {
        var r = new Random(m * 31 + n * 7 + k);
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        var values = new float[n * k];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(r.NextDouble() * 2 - 1);
        using var w = new TestWeights(values, type, n, k);
        var level = KernelOptions.Cap(KernelOptions.Simd);
        Skip.If(level == SimdLevel.Scalar, "no SIMD level: the model never packs here");
        foreach (string text in new[] { "4x6-c0-r32-k0", "4x6-c2-r16-k512", "6x4-c1-r32-k0", "3x6-c4-r64-k1024" })
        {
            Assert.True(KernelPlan.TryParse(text, out var plan));
            if (!plan.IsValidFor(level)) continue;
            var expected = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, expected, accumulate: false, level, maxThreads: 2, plan);
            var copy = DotPackedWeights.Pack(w.Matrix, plan.Nr, level, maxThreads: 2);
            Assert.True(DotPackedWeights.BytesFor(n, k, type, plan.Nr) >= copy.Bytes - 64);
            foreach (int threads in new[] { 1, 2 })
            {
                var y = new float[m * n];
                MatMul.Multiply(x, m, w.Matrix, y, accumulate: false, level, threads, plan, copy);
                Assert.True(expected.AsSpan().SequenceEqual(y), $"{type} m={m} n={n} k={k} plan {text}, {threads} threads");
            }
        }
    }

    [SkippableFact]
    public void ModelProductsCopyF32AndBf16WeightsNotF16()
    {
        Skip.If(KernelOptions.Cap(KernelOptions.Simd) == SimdLevel.Scalar, "no SIMD level: the model never packs here");
        const int m = 3, n = 20, k = 50;
        var r = new Random(5);
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        var values = new float[n * k];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(r.NextDouble() * 2 - 1);
        var products = new MatrixProducts(ComputePrecision.F32, kernel: null);
        long held = 0;
        foreach (var type in new[] { WeightType.F32, WeightType.BF16, WeightType.F16 })
        {
            using var w = new TestWeights(values, type, n, k);
            var expected = new float[m * n];
            MatMul.Multiply(x, m, w.Matrix, expected);
            var y = new float[m * n];
            products.Multiply(x, m, w.Matrix, y);
            Assert.Equal(expected, y);
            bool copied = products.PackedBytes > held;
            Assert.Equal(type != WeightType.F16, copied);
            held = products.PackedBytes;
            products.Release([w.Matrix]);
            held = products.PackedBytes;
        }
        Assert.Equal(0, held);
        // Without packing once: nothing held.
        var plain = new MatrixProducts(ComputePrecision.F32, kernel: null, packOnce: false);
        using var w32 = new TestWeights(values, WeightType.F32, n, k);
        plain.Multiply(x, m, w32.Matrix, new float[m * n]);
        Assert.Equal(0, plain.PackedBytes);
    }

    [SkippableFact]
    public void EstimatesCountTheFloat32CopyByStoredType()
    {
        var c = new RelationNeurons.Models.LlamaConfig { HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 32, NumAttentionHeads = 32, NumKeyValueHeads = 32, VocabSize = 32000 };
        var options = new EngineOptions();
        Skip.If(KernelOptions.Cap(KernelOptions.Simd) == SimdLevel.Scalar, "no SIMD level: no copies");
        long bf16 = MemoryEstimate.PackedWeights(c, options, 32, head: true, WeightType.BF16);
        long f32 = MemoryEstimate.PackedWeights(c, options, 32, head: true, WeightType.F32);
        long weights = 32L * (4 * 4096L * 4096 + 3 * 4096L * 11008) + 32000L * 4096;
        // Plus W rows padded to whole tiles of the plan's width: under 0.1 %.
        Assert.InRange(bf16, 2 * weights, 2 * weights + 2 * weights / 1000);
        Assert.InRange(f32, 4 * weights, 4 * weights + 4 * weights / 1000);
        Assert.Equal(0, MemoryEstimate.PackedWeights(c, options, 32, head: true, WeightType.F16));
        Assert.Equal(0, MemoryEstimate.PackedWeights(c, options, 32, head: true, stored: null));
        Assert.Equal(0, MemoryEstimate.PackedWeights(c, options with { PackWeights = false }, 32, head: true, WeightType.BF16));
    }
}
