using RelationNeurons.Hooks;

namespace RelationNeurons.Inference;

/// <summary>Where inside a decoder block a forward pass can stop or resume.</summary>
internal enum LayerStage
{
    /// <summary>Before the block: the state is the residual entering it (<c>hook_resid_pre</c>).</summary>
    Attention = 0,
    /// <summary>After attention: the state is the residual after attention (<c>hook_resid_mid</c>, after its hooks).</summary>
    Mlp = 1,
    /// <summary>Before the <c>mlp.hook_post</c> tap: the residual after attention plus silu(gate)·up.</summary>
    MlpPost = 2,
}

/// <summary>
/// A point in the forward pass, in execution order: before attention of a layer, before its MLP,
/// or at its MLP activations. A resumed pass starts at one from the saved state; a partial pass
/// stops just before one.
/// </summary>
internal readonly record struct LayerPoint(int Layer, LayerStage Stage) : IComparable<LayerPoint>
{
    /// <summary>The very start: nothing to restore, the tokens are embedded.</summary>
    public static LayerPoint Start => default;

    /// <summary>Past the last layer (no stop).</summary>
    public static LayerPoint End => new(int.MaxValue, LayerStage.Attention);

    public bool IsStart => Layer == 0 && Stage == LayerStage.Attention;

    /// <summary>The latest point from which a tap is still reached with everything it depends on recomputed.</summary>
    public static LayerPoint Before(HookPoint hook) => hook.Kind switch
    {
        TapKind.ResidPre or TapKind.Q or TapKind.K or TapKind.V or TapKind.AttnOut or TapKind.ResidMid => new(hook.Layer, LayerStage.Attention),
        TapKind.MlpPre or TapKind.MlpPreLinear => new(hook.Layer, LayerStage.Mlp),
        TapKind.MlpPost or TapKind.MlpOut or TapKind.ResidPost => new(hook.Layer, LayerStage.MlpPost),
        _ => throw new ArgumentOutOfRangeException(nameof(hook), hook.Kind, "unknown tap kind"),
    };

    /// <summary>Layers whose keys and values a pass resumed here does not compute (they come from the saved state).</summary>
    public int KeyValueLayersBefore => Stage == LayerStage.Attention ? Layer : Layer + 1;

    public int CompareTo(LayerPoint other) =>
        Layer != other.Layer ? Layer.CompareTo(other.Layer) : Stage.CompareTo(other.Stage);

    public static bool operator <(LayerPoint a, LayerPoint b) => a.CompareTo(b) < 0;
    public static bool operator >(LayerPoint a, LayerPoint b) => a.CompareTo(b) > 0;
    public static bool operator <=(LayerPoint a, LayerPoint b) => a.CompareTo(b) <= 0;
    public static bool operator >=(LayerPoint a, LayerPoint b) => a.CompareTo(b) >= 0;
}
