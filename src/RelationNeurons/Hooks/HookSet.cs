using RelationNeurons.Inference;
using RelationNeurons.Models;

namespace RelationNeurons.Hooks;

/// <summary>
/// What to attach to the taps of a forward pass: readers that see activations and writers that
/// overwrite units. At each tap the writers run first (in the order added), then the readers, and
/// the written values flow on through the rest of the model. Build it, then pass it to
/// <c>LlamaModel.Forward</c> or <c>Generate</c>; the engine validates it against the model.
/// </summary>
public sealed class HookSet
{
    private readonly Dictionary<HookPoint, List<NeuronWriter>> _writers = [];
    private readonly Dictionary<HookPoint, List<IActivationReader>> _readers = [];

    public IEnumerable<HookPoint> Points => _writers.Keys.Union(_readers.Keys);
    public bool IsEmpty => _writers.Count == 0 && _readers.Count == 0;

    public HookSet AddReader(HookPoint hook, IActivationReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Get(_readers, hook).Add(reader);
        return this;
    }

    public HookSet AddReader(HookPoint hook, ActivationCallback callback) => AddReader(hook, new CallbackReader(callback));

    public HookSet AddWriter(HookPoint hook, NeuronWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Get(_writers, hook).Add(writer);
        return this;
    }

    /// <summary>Sets every listed unit to <paramref name="value"/> (0: deactivation), grouped by tap.</summary>
    public HookSet Deactivate(IEnumerable<NeuronId> neurons, float value = 0f)
    {
        foreach (var group in neurons.GroupBy(n => n.Hook))
            AddWriter(group.Key, new NeuronWriter(group.Select(n => n.Index), value));
        return this;
    }

    /// <summary>Sets each unit to its own value (e.g. its median activation on positives).</summary>
    public HookSet SetNeurons(IEnumerable<(NeuronId Neuron, float Value)> assignments)
    {
        foreach (var group in assignments.GroupBy(a => a.Neuron.Hook))
            AddWriter(group.Key, new NeuronWriter(group.Select(a => a.Neuron.Index), group.Select(a => a.Value)));
        return this;
    }

    private static List<T> Get<T>(Dictionary<HookPoint, List<T>> map, HookPoint hook)
    {
        if (!map.TryGetValue(hook, out var list)) map[hook] = list = [];
        return list;
    }

    /// <summary>Checks layers and unit indices against the model; throws <see cref="UserInputException"/>.</summary>
    public void Validate(LlamaConfig config)
    {
        foreach (var hook in Points) TapShapes.CheckLayer(config, hook);
        foreach (var (hook, writers) in _writers)
            foreach (var w in writers)
                foreach (int i in w.Indices)
                    TapShapes.CheckNeuron(config, new NeuronId(hook, i));
    }

    /// <summary>A validated snapshot with an array lookup per (layer, tap) for the forward pass.</summary>
    internal HookRuntime Compile(LlamaConfig config)
    {
        Validate(config);
        return new HookRuntime(config.NumHiddenLayers,
            _writers.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            _readers.ToDictionary(p => p.Key, p => p.Value.ToArray()));
    }
}

/// <summary>The engine's view of a <see cref="HookSet"/>: one flag per (layer, tap) so empty taps cost a load and a branch.</summary>
internal sealed class HookRuntime
{
    private static readonly int KindCount = Enum.GetValues<TapKind>().Length;
    private readonly bool[] _active;
    private readonly NeuronWriter[][] _writers;
    private readonly IActivationReader[][] _readers;

    public HookRuntime(int layers, Dictionary<HookPoint, NeuronWriter[]> writers, Dictionary<HookPoint, IActivationReader[]> readers)
    {
        int n = layers * KindCount;
        _active = new bool[n];
        _writers = new NeuronWriter[n][];
        _readers = new IActivationReader[n][];
        for (int i = 0; i < n; i++) { _writers[i] = []; _readers[i] = []; }
        foreach (var (hook, list) in writers) { int i = Slot(hook.Layer, hook.Kind); _writers[i] = list; _active[i] = true; }
        foreach (var (hook, list) in readers) { int i = Slot(hook.Layer, hook.Kind); _readers[i] = list; _active[i] = true; }
    }

    private static int Slot(int layer, TapKind kind) => layer * KindCount + (int)kind;

    /// <summary>
    /// The last tap with a reader in execution order (taps are declared in that order), or null:
    /// when no logits are wanted, nothing after it need run.
    /// </summary>
    public HookPoint? LastReader
    {
        get
        {
            for (int i = _readers.Length - 1; i >= 0; i--)
                if (_readers[i].Length > 0) return new HookPoint(i / KindCount, (TapKind)(i % KindCount));
            return null;
        }
    }

    public bool IsActive(int layer, TapKind kind) => _active[Slot(layer, kind)];

    /// <summary>
    /// Whether a forward step may run the prompts' common prefix once: every reader must handle
    /// shared-prefix steps. Writers act on each row alone, the same at every position, so they never object.
    /// </summary>
    public bool AllowsSharedPrefix => _readers.All(list => list.All(r => r is ISharedPrefixReader));

    /// <summary>Writers first, then readers, on the [rows × width] tensor of this tap.</summary>
    public void Run(int layer, TapKind kind, Span<float> data, int width, BatchLayout batch)
    {
        int slot = Slot(layer, kind);
        var values = data[..(batch.RowCount * width)];
        foreach (var w in _writers[slot]) w.Apply(values, width, batch.RowCount);
        var readers = _readers[slot];
        if (readers.Length == 0) return;
        var hook = new HookPoint(layer, kind);
        foreach (var r in readers) r.Read(hook, values, width, batch);
    }
}
