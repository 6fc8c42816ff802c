using RelationNeurons.Models;

namespace RelationNeurons.Hooks;

/// <summary>Width (values per token) of each tap for a given model.</summary>
public static class TapShapes
{
    public static int Width(LlamaConfig config, TapKind kind) => kind switch
    {
        TapKind.Q => config.QueryWidth,
        TapKind.K or TapKind.V => config.KeyValueWidth,
        TapKind.MlpPre or TapKind.MlpPreLinear or TapKind.MlpPost => config.IntermediateSize,
        TapKind.ResidPre or TapKind.AttnOut or TapKind.ResidMid or TapKind.MlpOut or TapKind.ResidPost => config.HiddenSize,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown tap kind"),
    };

    public static int Width(LlamaConfig config, HookPoint hook) => Width(config, hook.Kind);

    /// <summary>Throws a user error when the hook's layer does not exist in the model.</summary>
    public static void CheckLayer(LlamaConfig config, HookPoint hook)
    {
        if (hook.Layer < 0 || hook.Layer >= config.NumHiddenLayers)
            throw new UserInputException($"hook {hook.Name}: layer {hook.Layer} does not exist; the model has {config.NumHiddenLayers} layers (0-{config.NumHiddenLayers - 1})");
    }

    /// <summary>Throws a user error when the neuron's layer or index does not exist in the model.</summary>
    public static void CheckNeuron(LlamaConfig config, NeuronId neuron)
    {
        CheckLayer(config, neuron.Hook);
        int width = Width(config, neuron.Hook.Kind);
        if (neuron.Index < 0 || neuron.Index >= width)
            throw new UserInputException($"neuron {neuron}: index {neuron.Index} out of range; {neuron.Hook.Name} has {width} units (0-{width - 1})");
    }
}
