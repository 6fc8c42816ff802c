namespace RelationNeurons.Hooks;

/// <summary>
/// Overwrites chosen units of a tap at every position (prompt and generated tokens): either all
/// with one constant (0 deactivates) or each with its own value.
/// </summary>
public sealed class NeuronWriter
{
    private readonly int[] _indices;
    private readonly float[] _values;

    public ReadOnlySpan<int> Indices => _indices;
    /// <summary>The value written at each index (same length as <see cref="Indices"/>).</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Sets every listed unit to <paramref name="value"/>.</summary>
    public NeuronWriter(IEnumerable<int> indices, float value = 0f)
    {
        _indices = indices.ToArray();
        _values = new float[_indices.Length];
        Array.Fill(_values, value);
    }

    /// <summary>Sets unit <c>indices[i]</c> to <c>values[i]</c>.</summary>
    public NeuronWriter(IEnumerable<int> indices, IEnumerable<float> values)
    {
        _indices = indices.ToArray();
        _values = values.ToArray();
        if (_values.Length != _indices.Length)
            throw new ArgumentException($"{_indices.Length} indices but {_values.Length} values");
    }

    internal void Apply(Span<float> data, int width, int rows)
    {
        var idx = _indices;
        var val = _values;
        for (int r = 0; r < rows; r++)
        {
            var row = data.Slice(r * width, width);
            for (int i = 0; i < idx.Length; i++) row[idx[i]] = val[i];
        }
    }
}
