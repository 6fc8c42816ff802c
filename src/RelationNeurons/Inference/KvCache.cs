namespace RelationNeurons.Inference;

/// <summary>
/// Keys (after RoPE) and values of every processed position, per layer and sequence slot: slot
/// <c>s</c> owns [capacity(s) × kvWidth] contiguous floats of each layer's buffer, so attention
/// reads a sequence's history as one span. Buffers grow but are never shrunk or cleared: a
/// workspace reuses them from one generation group to the next (every position is written
/// before attention reads it).
/// </summary>
internal sealed class KvCache
{
    private float[][] _keys = [];   // [layer] → all slots back to back
    private float[][] _values = [];
    private long[] _offset = [];    // [slot] start, in floats
    private int[] _capacity = [];

    public int KeyValueWidth { get; private set; }

    /// <summary>Lays out slots with the given capacities (positions), growing the buffers if needed.</summary>
    public void Reset(int layers, ReadOnlySpan<int> capacities, int kvWidth)
    {
        KeyValueWidth = kvWidth;
        if (_offset.Length < capacities.Length) { _offset = new long[capacities.Length]; _capacity = new int[capacities.Length]; }
        long total = 0;
        for (int s = 0; s < capacities.Length; s++)
        {
            _offset[s] = total;
            _capacity[s] = capacities[s];
            total += (long)capacities[s] * kvWidth;
        }
        if (total > Array.MaxLength)
            throw new UserInputException($"KV cache of {total} floats per layer is too large; generate fewer or shorter prompts at once");
        if (_keys.Length != layers) { _keys = new float[layers][]; _values = new float[layers][]; }
        for (int l = 0; l < layers; l++)
        {
            if (_keys[l] is null || _keys[l].Length < total) _keys[l] = new float[total];
            if (_values[l] is null || _values[l].Length < total) _values[l] = new float[total];
        }
    }

    public static long BytesFor(int layers, long positions, int kvWidth) => 2L * layers * positions * kvWidth * sizeof(float);

    public int Capacity(int slot) => _capacity[slot];
    public Span<float> Keys(int layer, int slot) => _keys[layer].AsSpan((int)_offset[slot], _capacity[slot] * KeyValueWidth);
    public Span<float> Values(int layer, int slot) => _values[layer].AsSpan((int)_offset[slot], _capacity[slot] * KeyValueWidth);
}
