using RelationNeurons.Hooks;

namespace RelationNeurons.Inference;

/// <summary>What a <see cref="PrefixCache"/> keeps and how much memory it may take.</summary>
public sealed record PrefixCacheOptions
{
    /// <summary>Layers whose states are kept (resume points); null: every layer.</summary>
    public IReadOnlyList<int>? Layers { get; init; }
    /// <summary>Most bytes the cache may take; null: <see cref="EngineOptions.MaxPrefixCacheBytes"/>.</summary>
    public long? MaxBytes { get; init; }
}

/// <summary>
/// The clean model's computation over a set of prompts, kept so that runs with writers can skip
/// what the writers cannot change. Built by <see cref="LlamaModel.BuildPrefixCache"/> (a clean
/// greedy generation that records its states), used by passing it to
/// <see cref="LlamaModel.Generate(IReadOnlyList{int[]}, int, HookSet?, StopPredicate?, bool, PrefixCache?)"/>
/// or <see cref="LlamaModel.Forward(IReadOnlyList{int[]}, HookSet?, LogitsSelection, PrefixCache?)"/>.
/// <para>
/// For every prompt it holds, at every position of the prompt and of the clean continuation fed
/// back, per kept layer: the residual entering the layer, the residual after attention, and the
/// MLP activations (silu(gate)·up); plus the keys and values of every layer up to the last kept one.
/// A run whose first hook (writer or reader) is in layer L starts there from the saved state:
/// nothing below it can differ from the clean run. Generated tokens that agree with the clean
/// continuation are resumed the same way; a sequence that departs from it is computed in full from
/// that token on. Results are bit-identical to a run without the cache.
/// </para>
/// Immutable once built; may be shared by concurrent calls.
/// </summary>
public sealed class PrefixCache
{
    private readonly Dictionary<int[], PrefixEntry> _entries;
    private readonly int[] _keptIndex;   // [layer] → index into the entry's per-layer arrays, or -1

    internal PrefixCache(LlamaModel model, int[] layers, Dictionary<int[], PrefixEntry> entries, GenerationResult[] clean, string? notice)
    {
        Model = model;
        Layers = layers;
        _entries = entries;
        Clean = clean;
        Notice = notice;
        _keptIndex = new int[model.Config.NumHiddenLayers];
        Array.Fill(_keptIndex, -1);
        for (int i = 0; i < layers.Length; i++) _keptIndex[layers[i]] = i;
        KeyValueLayers = layers.Length == 0 ? 0 : layers[^1] + 1;
        foreach (var e in entries.Values) Bytes += e.Bytes;
    }

    internal LlamaModel Model { get; }

    /// <summary>Layers whose states are kept, ascending. Empty when the budget allowed none: runs then go in full.</summary>
    public IReadOnlyList<int> Layers { get; }
    /// <summary>Number of prompts held.</summary>
    public int Count => _entries.Count;
    /// <summary>Memory the saved states take.</summary>
    public long Bytes { get; }
    /// <summary>The clean generation the cache was recorded from, in the order of the prompts given to the build.</summary>
    public IReadOnlyList<GenerationResult> Clean { get; }
    /// <summary>Why fewer layers than asked are kept (the memory budget), or null.</summary>
    public string? Notice { get; }

    internal int KeyValueLayers { get; }

    public bool Contains(int[] prompt) => _entries.ContainsKey(prompt);

    internal PrefixEntry? Find(int[] prompt) => _entries.GetValueOrDefault(prompt);
    internal int KeptIndex(int layer) => _keptIndex[layer];

    /// <summary>
    /// Both caches' prompts in one (this one's entry wins for a prompt in both). Both must come
    /// from the same model and keep the same layers. <see cref="Clean"/> lists this cache's then the other's.
    /// </summary>
    public PrefixCache Union(PrefixCache other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Model, Model)) throw new ArgumentException("the prefix caches belong to different models", nameof(other));
        if (!other.Layers.SequenceEqual(Layers)) throw new ArgumentException(
            $"the prefix caches keep different layers ({string.Join(',', Layers)} vs {string.Join(',', other.Layers)})", nameof(other));
        var entries = new Dictionary<int[], PrefixEntry>(_entries, PromptComparer.Instance);
        foreach (var (k, v) in other._entries) entries.TryAdd(k, v);
        return new PrefixCache(Model, [.. Layers], entries, [.. Clean, .. other.Clean], Notice ?? other.Notice);
    }

    /// <summary>
    /// The latest point at or before <paramref name="needed"/> whose state is kept: the needed layer
    /// itself when kept, else the MLP activations of the highest kept layer below it, else the start.
    /// </summary>
    internal LayerPoint EffectivePoint(LayerPoint needed)
    {
        if (needed.Layer < _keptIndex.Length && _keptIndex[needed.Layer] >= 0) return needed;
        for (int i = Layers.Count - 1; i >= 0; i--)
            if (Layers[i] < needed.Layer) return new LayerPoint(Layers[i], LayerStage.MlpPost);
        return LayerPoint.Start;
    }

    /// <summary>The latest point that leaves every hook of <paramref name="hooks"/> its full computation: before its earliest tap.</summary>
    internal static LayerPoint NeededPoint(HookSet? hooks)
    {
        var point = LayerPoint.End;
        if (hooks is null) return point;
        foreach (var hook in hooks.Points)
        {
            var p = LayerPoint.Before(hook);
            if (p < point) point = p;
        }
        return point;
    }

    /// <summary>Bytes one stored position takes with <paramref name="keptLayers"/> kept layers, the highest being <paramref name="topLayer"/>.</summary>
    internal static long BytesPerPosition(Models.LlamaConfig c, int keptLayers, int topLayer) =>
        keptLayers == 0 ? 0 : sizeof(float) * ((long)keptLayers * (2L * c.HiddenSize + c.IntermediateSize) + (topLayer + 1) * 2L * c.KeyValueWidth) + sizeof(int);
}

/// <summary>Prompts compared by their token ids.</summary>
internal sealed class PromptComparer : IEqualityComparer<int[]>
{
    public static readonly PromptComparer Instance = new();

    public bool Equals(int[]? x, int[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(int[] obj)
    {
        var h = new HashCode();
        h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
        return h.ToHashCode();
    }
}
