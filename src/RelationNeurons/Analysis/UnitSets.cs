using RelationNeurons.Hooks;

namespace RelationNeurons.Analysis;

/// <summary>The named unit sets of METHOD.md (<c>--units</c>).</summary>
public static class UnitSets
{
    public const string Linear = "linear";
    public const string Mlp = "mlp";

    public static IReadOnlyList<TapKind> Kinds(string name) => name switch
    {
        Linear => HookPoint.LinearOutputs,
        Mlp => [TapKind.MlpPost],
        _ => throw new UserInputException($"unknown unit set '{name}'; expected '{Linear}' (every linear projection output) or '{Mlp}' (mlp.hook_post)"),
    };

    public static TapKind ParseSuffix(string suffix) =>
        HookPoint.TryParse($"blocks.0.{suffix}", out var hook)
            ? hook.Kind
            : throw new UserInputException($"unknown tap '{suffix}'");
}
