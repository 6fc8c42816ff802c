using System.Globalization;
using RelationNeurons.Models;

namespace RelationNeurons.Inference;

/// <summary>
/// What one stage will hold in memory, by part. Mapped weights are file pages: the kernel can drop
/// and re-read them, so they are needed for speed but are not a hard requirement unless
/// <see cref="WeightsMustBeResident"/>; everything else is anonymous memory the process allocates
/// and cannot give back, and an out-of-memory kill follows when it does not fit.
/// </summary>
public sealed record MemoryEstimate
{
    public long MappedWeightBytes { get; init; }
    /// <summary>Count mapped weights as required (weights copied to memory, or files on a RAM disk).</summary>
    public bool WeightsMustBeResident { get; init; }
    /// <summary>Forward-pass buffers: per live buffer, tokens × width × 4 bytes, for every concurrent forward.</summary>
    public long ActivationBytes { get; init; }
    public long KvCacheBytes { get; init; }
    /// <summary>Per-prompt pooled accumulators (record): prompts in flight × units × 4 bytes, plus the chunk being written.</summary>
    public long AccumulatorBytes { get; init; }
    /// <summary>The matrix kernels' own buffers (<see cref="KernelScratch"/>).</summary>
    public long KernelScratchBytes { get; init; }
    /// <summary>
    /// The copy of the weight matrices packed once for the tiles (<see cref="PackedWeights"/>):
    /// anonymous memory, as large as the matrices (bfloat16 compute: in bfloat16).
    /// </summary>
    public long PackedWeightBytes { get; init; }
    /// <summary>Anything else the stage allocates (copied norm vectors, per-layer score tables).</summary>
    public long OtherBytes { get; init; }
    /// <summary>The options that make the stage smaller, named for the error message.</summary>
    public string Remedy { get; init; } = "a smaller --batch-tokens";

    public long RequiredBytes => ActivationBytes + KvCacheBytes + AccumulatorBytes + KernelScratchBytes + PackedWeightBytes + OtherBytes + (WeightsMustBeResident ? MappedWeightBytes : 0);

    /// <summary>Required bytes plus mapped weights: what it takes to run without re-reading weights from disk.</summary>
    public long ComfortableBytes => RequiredBytes + (WeightsMustBeResident ? 0 : MappedWeightBytes);

    /// <summary>
    /// Floats per token row of one forward step (Workspace): residual, normed, attention projection
    /// (hidden each), queries and attention output (query width each), keys and values (key/value
    /// width each), gate and up (intermediate each).
    /// </summary>
    public static long FloatsPerTokenRow(LlamaConfig c) =>
        3L * c.HiddenSize + 2L * c.QueryWidth + 2L * c.KeyValueWidth + 2L * c.IntermediateSize;

    /// <summary>
    /// One forward step over <paramref name="batchTokens"/> tokens in <paramref name="sequences"/>
    /// prompts of at most <paramref name="maxContext"/> tokens, with <paramref name="logitRows"/>
    /// rows of logits, times <paramref name="concurrentPasses"/> workspaces.
    /// </summary>
    public static long ForwardActivationBytes(LlamaConfig c, long batchTokens, long sequences, long maxContext, long logitRows, int concurrentPasses = 1)
    {
        long floats = batchTokens * FloatsPerTokenRow(c)
                      + sequences * c.NumAttentionHeads * maxContext        // attention scores
                      + logitRows * ((long)c.HiddenSize + c.VocabSize);      // head input and logits
        return floats * sizeof(float) * Math.Max(1, concurrentPasses);
    }

    /// <summary>
    /// The matrix kernels' buffers, kept per thread for the process's life, at their largest
    /// (k = the widest input of any projection): every thread's packed W panel (one column block,
    /// at most <see cref="Kernels.MatMul.PanelRows"/> W rows × k floats), the caller's packed x
    /// (tokens × k floats, rounded up to whole tiles of 8 rows and 16 lanes) and, with bfloat16
    /// compute, the caller's rounded copy of x (tokens × k floats; its W is packed once, in
    /// <see cref="PackedWeights"/>).
    /// </summary>
    public static long KernelScratch(LlamaConfig c, long batchTokens, EngineOptions options)
    {
        long k = Math.Max(Math.Max(c.HiddenSize, c.IntermediateSize), c.QueryWidth);
        int threads = Math.Max(1, Kernels.KernelOptions.MaxThreads);
        long perThread = Kernels.MatMul.PanelRows * k * sizeof(float);
        const int tileRows = Kernels.DotTiles.MR512, lanes = Kernels.CanonicalOrder.Lanes;
        long packedX = (batchTokens + tileRows - 1) / tileRows * tileRows * ((k + lanes - 1) / lanes * lanes) * sizeof(float);
        long bf16 = options.Compute == ComputePrecision.Bf16 ? batchTokens * k * sizeof(float) : 0;
        return threads * perThread + packedX + bf16;
    }

    /// <summary>
    /// The copies packed once of <paramref name="layers"/> layers' seven projections and, with
    /// <paramref name="head"/>, the LM head's (<see cref="EngineOptions.PackWeights"/>): in bfloat16
    /// compute on the emitted tiles <see cref="Kernels.Bf16PackedWeights"/> (2 bytes per weight, any
    /// stored type; the widening fallback makes none), in float32 <see cref="Kernels.DotPackedWeights"/>
    /// of F32 or BF16 rows as stored (<paramref name="stored"/>, the projections' type; null: not
    /// known, counted as none).
    /// </summary>
    public static long PackedWeights(LlamaConfig c, EngineOptions options, int layers, bool head, Tensors.WeightType? stored = null)
    {
        if (!options.PackWeights) return 0;
        Func<long, long, long> of;
        if (options.Compute == ComputePrecision.Bf16)
        {
            if ((options.Bf16Kernel ?? Kernels.Bf16MatMul.HardwareKernel) != Kernels.Bf16Kernel.Emitted) return 0;
            of = Kernels.Bf16PackedWeights.BytesFor;
        }
        else
        {
            var level = Kernels.KernelOptions.Cap(Kernels.KernelOptions.Simd);
            if (stored is not { } type || !Kernels.DotPackedWeights.Supports(type) || level == Kernels.SimdLevel.Scalar) return 0;
            int nr = Kernels.KernelPlan.Default(level).Nr;
            of = (n, k) => Kernels.DotPackedWeights.BytesFor(n, k, type, nr);
        }
        long h = c.HiddenSize, f = c.IntermediateSize;
        long layer = of(c.QueryWidth, h) + 2 * of(c.KeyValueWidth, h) + of(h, c.QueryWidth) + 2 * of(f, h) + of(h, f);
        return layers * layer + (head ? of(c.VocabSize, h) : 0);
    }

    /// <summary>Small per-model copies: norm vectors, biases (the families that have them) and the rotary table.</summary>
    public static long ModelOverheadBytes(LlamaConfig c)
    {
        long perLayer = (c.SandwichNorms ? 4L : 2L) * c.HiddenSize
                        + (c.QkvBias ? c.QueryWidth + 2L * c.KeyValueWidth : 0) + (c.OutputBias ? c.HiddenSize : 0) + (c.QkNorm ? 2L * c.HeadDim : 0);
        return (c.NumHiddenLayers * perLayer + c.HiddenSize + 2L * Math.Min(c.MaxPositionEmbeddings, 4096) * c.HeadDim) * sizeof(float);
    }

    /// <summary>
    /// Loading a model for forward passes with the engine's token budget. Prompts are assumed to
    /// be at least <paramref name="typicalPromptTokens"/> long (the number of sequences in a step,
    /// hence of logit rows, follows from it).
    /// </summary>
    /// <param name="stored">The projections' stored type, for the float32 copies (<see cref="PackedWeights"/>).</param>
    public static MemoryEstimate ForForward(LlamaConfig c, long mappedBytes, EngineOptions options, int typicalPromptTokens = 8, int concurrentPasses = 1, Tensors.WeightType? stored = null)
    {
        long tokens = options.MaxBatchTokens;
        long sequences = Math.Max(1, tokens / Math.Max(1, typicalPromptTokens));
        long context = Math.Min(tokens, c.MaxPositionEmbeddings);
        return new MemoryEstimate
        {
            MappedWeightBytes = mappedBytes,
            ActivationBytes = ForwardActivationBytes(c, tokens, sequences, Math.Min(context, Math.Max(typicalPromptTokens, 1)), sequences, concurrentPasses),
            KernelScratchBytes = KernelScratch(c, tokens, options),
            PackedWeightBytes = PackedWeights(c, options, c.NumHiddenLayers, head: true, stored),
            OtherBytes = ModelOverheadBytes(c),
            Remedy = "a smaller --batch-tokens",
        };
    }

    /// <summary>
    /// The record stage: forward steps of <paramref name="batchPrompts"/> prompts (up to
    /// <paramref name="maxPromptTokens"/> tokens each, capped by the token budget) and, for each
    /// prompt in flight, one pooled value per unit (<paramref name="unitsPerPrompt"/>), held once
    /// in the readers and once more while the chunk is written.
    /// </summary>
    /// <param name="packedLayers">Layers whose packed copies are held at once (all; a streamed record: 1).</param>
    public static MemoryEstimate ForRecord(LlamaConfig c, long mappedBytes, EngineOptions options, int batchPrompts, long unitsPerPrompt, int maxPromptTokens, int? packedLayers = null, Tensors.WeightType? stored = null)
    {
        long tokens = Math.Min((long)batchPrompts * maxPromptTokens, Math.Max(options.MaxBatchTokens, maxPromptTokens));
        long sequences = Math.Min(batchPrompts, Math.Max(1, tokens / Math.Max(1, maxPromptTokens)));
        return new MemoryEstimate
        {
            MappedWeightBytes = mappedBytes,
            // Record stops at the last tapped layer and asks for no logits.
            ActivationBytes = ForwardActivationBytes(c, tokens, sequences, maxPromptTokens, logitRows: 0),
            AccumulatorBytes = 2L * batchPrompts * unitsPerPrompt * sizeof(float),
            KernelScratchBytes = KernelScratch(c, tokens, options),
            PackedWeightBytes = PackedWeights(c, options, packedLayers ?? c.NumHiddenLayers, head: false, stored),
            // A step whose prompts share a prefix continues from its keys and values, held per prompt.
            OtherBytes = ModelOverheadBytes(c) + (options.SharePromptPrefixes ? KvCache.BytesFor(c.NumHiddenLayers, tokens, c.KeyValueWidth) : 0),
            Remedy = "a smaller --batch (prompts per chunk), a smaller --batch-tokens, or --units mlp (fewer units)",
        };
    }

    /// <summary>Greedy generation: forward buffers for the prompts plus the KV cache for prompt and new tokens.</summary>
    public static MemoryEstimate ForGeneration(LlamaConfig c, long mappedBytes, EngineOptions options, long prompts, int maxPromptTokens, int maxNewTokens, Tensors.WeightType? stored = null)
    {
        long positions = prompts * ((long)maxPromptTokens + maxNewTokens);
        long cache = Math.Min(KvCache.BytesFor(c.NumHiddenLayers, positions, c.KeyValueWidth), Math.Max(options.MaxKvCacheBytes, KvCache.BytesFor(c.NumHiddenLayers, maxPromptTokens + maxNewTokens, c.KeyValueWidth)));
        long tokens = Math.Min(prompts * maxPromptTokens, Math.Max(options.MaxBatchTokens, maxPromptTokens));
        long sequences = Math.Max(1, tokens / Math.Max(1, maxPromptTokens));
        return new MemoryEstimate
        {
            MappedWeightBytes = mappedBytes,
            ActivationBytes = ForwardActivationBytes(c, tokens, sequences, (long)maxPromptTokens + maxNewTokens, sequences),
            KvCacheBytes = cache,
            KernelScratchBytes = KernelScratch(c, tokens, options),
            PackedWeightBytes = PackedWeights(c, options, c.NumHiddenLayers, head: true, stored),
            OtherBytes = ModelOverheadBytes(c),
            Remedy = "a smaller --batch-tokens or a smaller KV-cache budget",
        };
    }

    /// <summary>"activations 1.2 GiB + accumulators 300 MiB + ..." for messages.</summary>
    public string Breakdown()
    {
        var parts = new List<string>();
        void Part(string name, long bytes) { if (bytes > 0) parts.Add($"{name} {Bytes(bytes)}"); }
        if (WeightsMustBeResident) Part("weights", MappedWeightBytes);
        Part("activations", ActivationBytes);
        Part("KV cache", KvCacheBytes);
        Part("accumulators", AccumulatorBytes);
        Part("kernel buffers", KernelScratchBytes);
        Part("packed weight copy", PackedWeightBytes);
        Part("other", OtherBytes);
        return parts.Count == 0 ? "nothing" : string.Join(" + ", parts);
    }

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = bytes;
        int u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} B" : v.ToString(v >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
