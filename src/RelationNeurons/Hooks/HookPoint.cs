using System.Globalization;
using System.Text.RegularExpressions;

namespace RelationNeurons.Hooks;

/// <summary>The kinds of tap inside a decoder block, in the order the forward pass reaches them.</summary>
public enum TapKind
{
    ResidPre,
    Q,
    K,
    V,
    AttnOut,
    ResidMid,
    MlpPre,
    MlpPreLinear,
    MlpPost,
    MlpOut,
    ResidPost,
}

/// <summary>
/// A named place in the forward pass, TransformerLens style: <c>blocks.{layer}.{tap}</c>.
/// The string form is what users type; the struct is what the engine compares.
/// </summary>
public readonly partial record struct HookPoint(int Layer, TapKind Kind)
{
    private static readonly (TapKind Kind, string Suffix)[] Suffixes =
    [
        (TapKind.ResidPre, "hook_resid_pre"),
        (TapKind.Q, "attn.hook_q"),
        (TapKind.K, "attn.hook_k"),
        (TapKind.V, "attn.hook_v"),
        (TapKind.AttnOut, "hook_attn_out"),
        (TapKind.ResidMid, "hook_resid_mid"),
        (TapKind.MlpPre, "mlp.hook_pre"),
        (TapKind.MlpPreLinear, "mlp.hook_pre_linear"),
        (TapKind.MlpPost, "mlp.hook_post"),
        (TapKind.MlpOut, "hook_mlp_out"),
        (TapKind.ResidPost, "hook_resid_post"),
    ];

    /// <summary>The taps that are outputs of linear projections: METHOD.md's default unit set.</summary>
    public static readonly TapKind[] LinearOutputs =
        [TapKind.Q, TapKind.K, TapKind.V, TapKind.AttnOut, TapKind.MlpPre, TapKind.MlpPreLinear, TapKind.MlpOut];

    public static string SuffixOf(TapKind kind) => Array.Find(Suffixes, s => s.Kind == kind).Suffix;

    public string Name => $"blocks.{Layer.ToString(CultureInfo.InvariantCulture)}.{SuffixOf(Kind)}";

    public override string ToString() => Name;

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex NamePattern();

    public static bool TryParse(string text, out HookPoint hook)
    {
        hook = default;
        var m = NamePattern().Match(text.Trim());
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int layer)) return false;
        foreach (var (kind, suffix) in Suffixes)
        {
            if (suffix == m.Groups[2].Value) { hook = new HookPoint(layer, kind); return true; }
        }
        return false;
    }

    /// <summary>Parses a hook name; an unknown name is a user error listing the valid forms.</summary>
    public static HookPoint Parse(string text) =>
        TryParse(text, out var hook)
            ? hook
            : throw new UserInputException($"unknown hook name '{text}'; expected blocks.<layer>.<tap> with tap one of: {string.Join(", ", Suffixes.Select(s => s.Suffix))}");
}

/// <summary>One unit: a coordinate of a tap's output. Short form <c>L12.N4031</c> means mlp.hook_post.</summary>
public readonly partial record struct NeuronId(HookPoint Hook, int Index)
{
    public override string ToString() =>
        Hook.Kind == TapKind.MlpPost ? $"L{Hook.Layer}.N{Index}" : $"{Hook.Name}[{Index}]";

    [GeneratedRegex(@"^L(\d+)\.N(\d+)$")]
    private static partial Regex ShortPattern();

    [GeneratedRegex(@"^(blocks\.\d+\.[a-z_.]+)\[(\d+)\]$")]
    private static partial Regex LongPattern();

    public static NeuronId Parse(string text)
    {
        text = text.Trim();
        var s = ShortPattern().Match(text);
        if (s.Success)
            return new NeuronId(new HookPoint(int.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture), TapKind.MlpPost),
                int.Parse(s.Groups[2].Value, CultureInfo.InvariantCulture));
        var l = LongPattern().Match(text);
        if (l.Success)
            return new NeuronId(HookPoint.Parse(l.Groups[1].Value), int.Parse(l.Groups[2].Value, CultureInfo.InvariantCulture));
        throw new UserInputException($"cannot parse neuron '{text}'; expected L<layer>.N<index> or blocks.<layer>.<tap>[<index>]");
    }

    /// <summary>Parses a comma-separated list such as <c>L2.N5,L3.N9</c>.</summary>
    public static IReadOnlyList<NeuronId> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();
}
