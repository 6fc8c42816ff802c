using RelationNeurons.Hooks;
using RelationNeurons.Models;

namespace RelationNeurons.Inference;

/// <summary>
/// Records a clean generation into <see cref="PrefixEntry"/> objects: the residual and MLP taps of
/// the kept layers as readers see them, and each sequence's keys/values from the KV cache once
/// its generation is done.
/// </summary>
internal sealed class PrefixRecorder : IActivationReader
{
    private readonly LlamaConfig _config;
    private readonly int[] _keptIndex;
    private readonly int _kvLayers;

    public PrefixRecorder(LlamaConfig config, int[] layers, IReadOnlyList<int[]> prompts, int maxFed)
    {
        _config = config;
        Layers = layers;
        _keptIndex = new int[config.NumHiddenLayers];
        Array.Fill(_keptIndex, -1);
        for (int i = 0; i < layers.Length; i++) _keptIndex[layers[i]] = i;
        _kvLayers = layers.Length == 0 ? 0 : layers[^1] + 1;
        Entries = new PrefixEntry[prompts.Count];
        for (int i = 0; i < prompts.Count; i++)
            Entries[i] = new PrefixEntry(prompts[i], prompts[i].Length + maxFed, layers.Length, _kvLayers,
                config.HiddenSize, config.IntermediateSize, config.KeyValueWidth);
    }

    public int[] Layers { get; }
    public PrefixEntry[] Entries { get; }

    /// <summary>The readers this recorder needs, attached to a fresh hook set.</summary>
    public HookSet Hooks()
    {
        var hooks = new HookSet();
        foreach (int l in Layers)
        {
            hooks.AddReader(new HookPoint(l, TapKind.ResidPre), this);
            hooks.AddReader(new HookPoint(l, TapKind.ResidMid), this);
            hooks.AddReader(new HookPoint(l, TapKind.MlpPost), this);
        }
        return hooks;
    }

    public void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch)
    {
        int k = _keptIndex[hook.Layer];
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            var e = Entries[batch.SequenceIndex(s)];
            var target = hook.Kind switch
            {
                TapKind.ResidPre => e.ResidPre[k],
                TapKind.ResidMid => e.ResidMid[k],
                TapKind.MlpPost => e.MlpPost[k],
                _ => throw new InvalidOperationException($"unexpected tap {hook}"),
            };
            values.Slice(batch.RowStart(s) * width, batch.RowCountOf(s) * width).CopyTo(target.AsSpan(batch.PastLength(s) * width));
        }
    }

    /// <summary>Called when sequence <paramref name="index"/> (KV slot <paramref name="slot"/>) has finished: takes its keys/values and trims the entry.</summary>
    public void Finish(KvCache cache, int slot, int index, ReadOnlySpan<int> fedGenerated)
    {
        var e = Entries[index];
        int kvw = _config.KeyValueWidth, length = e.Prompt.Length + fedGenerated.Length;
        for (int l = 0; l < _kvLayers; l++)
        {
            cache.Keys(l, slot)[..(length * kvw)].CopyTo(e.Keys[l]);
            cache.Values(l, slot)[..(length * kvw)].CopyTo(e.Values[l]);
        }
        e.Finish(fedGenerated, _config.HiddenSize, _config.IntermediateSize, kvw);
    }
}
