using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using RelationNeurons.IO;

namespace RelationNeurons.Models.Safetensors;

/// <summary>Storage types we write; names as in the safetensors header.</summary>
public enum SafetensorsDtype { F32, F16, BF16, I32, I64, U8 }

/// <summary>
/// Collects tensors and writes one safetensors file atomically: 8-byte little-endian header
/// length, a JSON header (sorted by name, data offsets relative to the end of the header, padded
/// with spaces to a multiple of 8 bytes), then the raw little-endian data.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<(string Name, SafetensorsDtype Dtype, long[] Shape, byte[] Data)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    public SafetensorsWriter AddMetadata(string key, string value) { _metadata[key] = value; return this; }

    public SafetensorsWriter AddF32(string name, ReadOnlySpan<float> values, params long[] shape) =>
        Add(name, SafetensorsDtype.F32, shape, MemoryMarshal.AsBytes(values).ToArray(), values.Length);

    /// <summary>Stores float values as F16 (round to nearest even).</summary>
    public SafetensorsWriter AddF16(string name, ReadOnlySpan<float> values, params long[] shape)
    {
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
        return Add(name, SafetensorsDtype.F16, shape, MemoryMarshal.AsBytes<Half>(halves).ToArray(), values.Length);
    }

    /// <summary>Stores float values as BF16 (round to nearest even, NaN kept NaN), as PyTorch does.</summary>
    public SafetensorsWriter AddBF16(string name, ReadOnlySpan<float> values, params long[] shape)
    {
        var bits = new ushort[values.Length];
        for (int i = 0; i < values.Length; i++) bits[i] = BFloat16.FromSingle(values[i]);
        return Add(name, SafetensorsDtype.BF16, shape, MemoryMarshal.AsBytes<ushort>(bits).ToArray(), values.Length);
    }

    public SafetensorsWriter AddI64(string name, ReadOnlySpan<long> values, params long[] shape) =>
        Add(name, SafetensorsDtype.I64, shape, MemoryMarshal.AsBytes(values).ToArray(), values.Length);

    public SafetensorsWriter AddI32(string name, ReadOnlySpan<int> values, params long[] shape) =>
        Add(name, SafetensorsDtype.I32, shape, MemoryMarshal.AsBytes(values).ToArray(), values.Length);

    /// <summary>Adds a tensor in a chosen float storage type.</summary>
    public SafetensorsWriter AddFloat(string name, SafetensorsDtype dtype, ReadOnlySpan<float> values, params long[] shape) => dtype switch
    {
        SafetensorsDtype.F32 => AddF32(name, values, shape),
        SafetensorsDtype.F16 => AddF16(name, values, shape),
        SafetensorsDtype.BF16 => AddBF16(name, values, shape),
        _ => throw new ArgumentException($"{dtype} is not a float type", nameof(dtype)),
    };

    private SafetensorsWriter Add(string name, SafetensorsDtype dtype, long[] shape, byte[] data, int count)
    {
        long expected = 1;
        foreach (long d in shape) expected *= d;
        if (expected != count) throw new ArgumentException($"tensor '{name}': shape [{string.Join(",", shape)}] holds {expected} values, got {count}");
        if (_tensors.Exists(t => t.Name == name)) throw new ArgumentException($"tensor '{name}' added twice");
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    public void WriteTo(Stream stream)
    {
        var ordered = _tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (_metadata.Count > 0)
        {
            var meta = new JsonObject();
            foreach (var (k, v) in _metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var t in ordered)
        {
            header[t.Name] = SafetensorsHeader.Entry(t.Dtype, t.Shape, offset, offset + t.Data.LongLength);
            offset += t.Data.LongLength;
        }
        SafetensorsHeader.Write(stream, header);
        foreach (var t in ordered) stream.Write(t.Data);
    }
}

/// <summary>bfloat16 conversions matching PyTorch (round to nearest even).</summary>
public static class BFloat16
{
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
