using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Inference;

/// <summary>
/// Arithmetic of the engine's matrix products (<see cref="EngineOptions.Compute"/>). Everything
/// else — norms, RoPE, attention, softmax, activations, the residual stream and every value a hook
/// reads or writes — is float32 in both.
/// </summary>
public enum ComputePrecision
{
    /// <summary>float32 products (the default): the weights widened exactly, float32 inputs.</summary>
    F32,
    /// <summary>
    /// bfloat16 products: each product's float32 input rounded to bfloat16 (nearest, ties to even),
    /// the weights in bfloat16 (as stored, or rounded once from F32/F16/quantized), accumulated in
    /// float32 (<see cref="Bf16MatMul"/>).
    /// </summary>
    Bf16,
}

/// <summary>Names of <see cref="ComputePrecision"/> as the CLI and run files spell them.</summary>
public static class ComputePrecisions
{
    /// <summary>The accepted names, in order: "f32", "bf16".</summary>
    public static IReadOnlyList<string> Names { get; } = ["f32", "bf16"];

    public static string Name(ComputePrecision precision) => precision == ComputePrecision.Bf16 ? "bf16" : "f32";

    /// <summary>The precision named <paramref name="name"/>; a user error naming the accepted values otherwise.</summary>
    public static ComputePrecision Parse(string name) => name switch
    {
        "f32" => ComputePrecision.F32,
        "bf16" => ComputePrecision.Bf16,
        _ => throw new UserInputException($"--compute: unknown value '{name}'; accepted: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// One line to show the user when <paramref name="precision"/> cannot use this machine's
    /// fastest path (bfloat16 without AVX512_BF16, or where the tiles cannot be mapped
    /// executable, falls back to widening), else null.
    /// </summary>
    public static string? Notice(ComputePrecision precision) =>
        precision == ComputePrecision.Bf16 && Bf16MatMul.HardwareKernel != Bf16Kernel.Emitted
            ? $"--compute bf16: {Bf16MatMul.FallbackReason}; bfloat16 products run on the float32 kernels (inputs and weights rounded to bfloat16, same results up to the summation order, no speed-up)"
            : null;
}
