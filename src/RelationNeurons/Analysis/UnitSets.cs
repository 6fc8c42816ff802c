using RelationNeurons.Hooks;
using RelationNeurons.Method;

namespace RelationNeurons.Analysis;

/// <summary>The taps of each unit set of METHOD.md §2 (<c>--units</c>).</summary>
public static class UnitSets
{
    public static IReadOnlyList<TapKind> Kinds(UnitSet set) => set switch
    {
        UnitSet.Ffn => [TapKind.MlpPre, TapKind.MlpPreLinear, TapKind.MlpOut],
        UnitSet.All => HookPoint.LinearOutputs,
        UnitSet.Mlp => [TapKind.MlpPost],
        UnitSet.Attention => [TapKind.Q, TapKind.K, TapKind.V, TapKind.AttnOut],
        UnitSet.Gate => [TapKind.MlpPre],
        UnitSet.Up => [TapKind.MlpPreLinear],
        UnitSet.Down => [TapKind.MlpOut],
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, "unknown unit set"),
    };

    /// <summary>The taps of a unit set named as on the command line or in a record manifest (<c>linear</c> is read as <c>all</c>).</summary>
    public static IReadOnlyList<TapKind> Kinds(string name) => Kinds(ProtocolNames.ParseUnits(name));

    public static TapKind ParseSuffix(string suffix) =>
        HookPoint.TryParse($"blocks.0.{suffix}", out var hook)
            ? hook.Kind
            : throw new UserInputException($"unknown tap '{suffix}'");
}
