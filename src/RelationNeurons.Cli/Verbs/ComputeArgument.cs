using System.CommandLine;
using RelationNeurons.Inference;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// <c>--compute f32|bf16</c>, shared by every verb that runs the model: the arithmetic of the
/// matrix products (<see cref="ComputePrecision"/>). bf16 on a CPU without AVX512_BF16 still works
/// and says so on stderr.
/// </summary>
internal sealed class ComputeArgument
{
    public Option<string> Option { get; } = new("--compute")
    {
        Description = "matrix-product arithmetic: f32 (default, exact float32) or bf16 (bfloat16 inputs and weights, " +
                      "float32 accumulation; fast with AVX512_BF16). Everything else stays float32",
        DefaultValueFactory = _ => "f32",
    };

    /// <summary>The chosen precision (a user error naming the accepted values otherwise); prints the fallback notice if any.</summary>
    public ComputePrecision Resolve(FlagValues values)
    {
        var precision = Precision(values);
        if (ComputePrecisions.Notice(precision) is { } notice) Console.Error.WriteLine(notice);
        return precision;
    }

    /// <summary>The chosen precision, without the fallback notice.</summary>
    public ComputePrecision Precision(FlagValues values) => ComputePrecisions.Parse(values.Get(Option)!);

    /// <summary>Engine options with the chosen precision.</summary>
    public EngineOptions Engine(FlagValues values) => new() { Compute = Resolve(values) };
}
