namespace RelationNeurons.Inference;

/// <summary>
/// Keys (after RoPE) and values of every processed position, per layer and sequence slot:
/// [capacity × kvWidth] each, so attention reads a sequence's history as one contiguous span.
/// </summary>
internal sealed class KvCache
{
    private readonly float[][][] _keys;   // [layer][slot]
    private readonly float[][][] _values; // [layer][slot]
    private readonly int[] _capacity;

    public int KeyValueWidth { get; }

    public KvCache(int layers, IReadOnlyList<int> capacities, int kvWidth)
    {
        KeyValueWidth = kvWidth;
        _capacity = capacities.ToArray();
        _keys = new float[layers][][];
        _values = new float[layers][][];
        for (int l = 0; l < layers; l++)
        {
            _keys[l] = new float[_capacity.Length][];
            _values[l] = new float[_capacity.Length][];
            for (int s = 0; s < _capacity.Length; s++)
            {
                long length = (long)_capacity[s] * kvWidth;
                if (length > Array.MaxLength) throw new UserInputException($"sequence of {_capacity[s]} tokens is too long for the KV cache");
                _keys[l][s] = new float[length];
                _values[l][s] = new float[length];
            }
        }
    }

    public static long BytesFor(int layers, long positions, int kvWidth) => 2L * layers * positions * kvWidth * sizeof(float);

    public int Capacity(int slot) => _capacity[slot];
    public Span<float> Keys(int layer, int slot) => _keys[layer][slot];
    public Span<float> Values(int layer, int slot) => _values[layer][slot];
}
