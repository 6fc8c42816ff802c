using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace RelationNeurons.Models.Safetensors;

/// <summary>
/// The safetensors header, shared by the in-memory writer and writers that stream tensor data
/// (the recorder assembles layer files from chunks without holding a layer in memory).
/// </summary>
public static class SafetensorsHeader
{
    /// <summary>One tensor's header entry: dtype, shape, data offsets relative to the end of the header.</summary>
    public static JsonObject Entry(SafetensorsDtype dtype, IEnumerable<long> shape, long begin, long end) => new()
    {
        ["dtype"] = dtype.ToString(),
        ["shape"] = new JsonArray(shape.Select(s => (JsonNode?)s).ToArray()),
        ["data_offsets"] = new JsonArray(begin, end),
    };

    /// <summary>
    /// Writes the 8-byte little-endian header length and the JSON header, padded with spaces to a
    /// multiple of 8 bytes so the tensor data that follows is aligned.
    /// </summary>
    public static void Write(Stream stream, JsonObject header)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
    }
}
