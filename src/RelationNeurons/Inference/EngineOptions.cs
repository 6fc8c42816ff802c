namespace RelationNeurons.Inference;

/// <summary>
/// How the engine computes and splits work. Results never depend on the split (rows are computed
/// independently); <see cref="Compute"/> chooses the arithmetic of the matrix products.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>Most tokens processed in one forward step; larger prompt lists are split into several steps.</summary>
    public int MaxBatchTokens { get; init; } = 2048;
    /// <summary>Most KV-cache memory one generation group may use; more prompts are generated group after group.</summary>
    public long MaxKvCacheBytes { get; init; } = 2L << 30;
    /// <summary>Parallelise attention over sequences and heads (matrix kernels choose their own threads).</summary>
    public bool ParallelAttention { get; init; } = true;
    /// <summary>
    /// Most memory one <see cref="PrefixCache"/> may take (default 1 GiB). A cache that would be
    /// larger keeps fewer layers (the highest go first); with none kept, runs go in full.
    /// </summary>
    public long MaxPrefixCacheBytes { get; init; } = 1L << 30;
    /// <summary>
    /// Run the tokens that all prompts of a forward step start with (at least BOS) once instead of
    /// once per prompt, when the step holds at least <see cref="SharedPrefixMinPrompts"/> prompts
    /// and every reader attached accepts it (<see cref="Hooks.ISharedPrefixReader"/>). Bit-identical
    /// either way: the prompts continue from the prefix's keys and values as from a KV cache.
    /// </summary>
    public bool SharePromptPrefixes { get; init; } = true;
    /// <summary>Fewest prompts in a step for prefix sharing: the prefix's own step reads every weight once more.</summary>
    public int SharedPrefixMinPrompts { get; init; } = 4;
    /// <summary>Scan every weight for NaN/Inf at load (reads the whole checkpoint once); norm vectors are always checked.</summary>
    public bool CheckWeights { get; init; }
    /// <summary>
    /// Arithmetic of the matrix products: float32 (default) or bfloat16 inputs and weights with
    /// float32 accumulation (<see cref="ComputePrecision.Bf16"/>); everything else stays float32.
    /// </summary>
    public ComputePrecision Compute { get; init; } = ComputePrecision.F32;
    /// <summary>
    /// Pack each weight matrix once, on its first product, into a copy the tiles read directly
    /// (bfloat16 compute on the emitted tiles: <see cref="Kernels.Bf16PackedWeights"/>; float32 on
    /// F32 or BF16 rows: <see cref="Kernels.DotPackedWeights"/>); its mapped pages are then given
    /// back, so the process still holds the model once. The products' bits are the same either way.
    /// <see cref="LlamaModel.Load"/> turns it off when the copy would not fit in the memory
    /// available (the products then read or pack W per product, slower, holding no copy).
    /// </summary>
    public bool PackWeights { get; init; } = true;
    /// <summary>The bfloat16 kernel; null: this machine's (<see cref="Kernels.Bf16MatMul.HardwareKernel"/>). Tests force the fallback with it.</summary>
    internal Kernels.Bf16Kernel? Bf16Kernel { get; init; }
}
