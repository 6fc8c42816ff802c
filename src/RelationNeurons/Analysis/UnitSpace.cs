using RelationNeurons.Hooks;
using RelationNeurons.Models;

namespace RelationNeurons.Analysis;

/// <summary>One tap kind of a unit set and its width (units per layer).</summary>
public sealed record TapWidth(TapKind Kind, int Width)
{
    /// <summary>The tap's name without the layer, as in hook names: <c>mlp.hook_post</c>.</summary>
    public string Suffix => HookPoint.SuffixOf(Kind);
}

/// <summary>
/// All units of a record: for each tap kind, <c>layers × width</c> units. Units are numbered
/// tap-major, then layer, then index, which is also the order ties are broken in everywhere
/// (rankings, CSVs, selections), so every output is deterministic.
/// </summary>
public sealed class UnitSpace
{
    private readonly long[] _offsets;

    public IReadOnlyList<TapWidth> Taps { get; }
    public int Layers { get; }
    public long TotalUnits { get; }

    public UnitSpace(int layers, IReadOnlyList<TapWidth> taps)
    {
        if (layers <= 0) throw new UserInputException($"a unit set needs at least one layer, got {layers}");
        if (taps.Count == 0) throw new UserInputException("a unit set needs at least one tap");
        if (taps.Select(t => t.Kind).Distinct().Count() != taps.Count) throw new UserInputException("a tap appears twice in the unit set");
        Layers = layers; Taps = taps;
        _offsets = new long[taps.Count + 1];
        for (int k = 0; k < taps.Count; k++)
        {
            if (taps[k].Width <= 0) throw new UserInputException($"tap {taps[k].Suffix} has width {taps[k].Width}");
            _offsets[k + 1] = _offsets[k] + (long)layers * taps[k].Width;
        }
        TotalUnits = _offsets[^1];
    }

    public int TapIndex(TapKind kind)
    {
        for (int k = 0; k < Taps.Count; k++) if (Taps[k].Kind == kind) return k;
        return -1;
    }

    public long Encode(int tap, int layer, int index) => _offsets[tap] + (long)layer * Taps[tap].Width + index;

    public (int Tap, int Layer, int Index) Decode(long unit)
    {
        int tap = 0;
        while (unit >= _offsets[tap + 1]) tap++;
        long within = unit - _offsets[tap];
        int width = Taps[tap].Width;
        return (tap, (int)(within / width), (int)(within % width));
    }

    public NeuronId Neuron(int tap, int layer, int index) => new(new HookPoint(layer, Taps[tap].Kind), index);

    /// <summary>The unit number of a neuron; a user error when the neuron is outside this unit set.</summary>
    public long Encode(NeuronId neuron)
    {
        int tap = TapIndex(neuron.Hook.Kind);
        if (tap < 0 || (uint)neuron.Hook.Layer >= (uint)Layers || (uint)neuron.Index >= (uint)Taps[tap].Width)
            throw new UserInputException($"neuron {neuron} is outside the unit set ({string.Join(", ", Taps.Select(t => t.Suffix))} × {Layers} layers)");
        return Encode(tap, neuron.Hook.Layer, neuron.Index);
    }

    /// <summary>The units of <paramref name="kinds"/> in every layer of a model.</summary>
    public static UnitSpace For(LlamaConfig config, IEnumerable<TapKind> kinds) =>
        new(config.NumHiddenLayers, kinds.Distinct().Select(k => new TapWidth(k, TapShapes.Width(config, k))).ToList());

    /// <summary>Units of one tap kind in one layer.</summary>
    public long Offset(int tap, int layer) => Encode(tap, layer, 0);
}
