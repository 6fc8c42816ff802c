using System.Buffers.Binary;
using System.Text;
using RelationNeurons.IO;

namespace RelationNeurons.Models.Gguf;

/// <summary>
/// Writes a GGUF version 3 file: metadata in insertion order, tensor infos, then each tensor's
/// bytes at an offset aligned to <see cref="Alignment"/> (general.alignment is written when it is
/// not the default 32). Tensor bytes are produced by a callback when the file is written, so a
/// large model is never held in memory at once. The file is written atomically.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, GgufValue Value)> _metadata = [];
    private readonly List<(string Name, long[] Dims, GgmlType Type, long Bytes, Action<Stream> Write)> _tensors = [];

    public int Alignment { get; }

    public GgufWriter(int alignment = GgufFile.DefaultAlignment)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) throw new ArgumentException("alignment must be a power of two", nameof(alignment));
        Alignment = alignment;
        if (alignment != GgufFile.DefaultAlignment) Add(GgufFile.AlignmentKey, GgufValueType.UInt32, (uint)alignment);
    }

    public GgufWriter Add(string key, GgufValueType type, object value)
    {
        if (_metadata.Any(m => m.Key == key)) throw new ArgumentException($"metadata key '{key}' added twice", nameof(key));
        _metadata.Add((key, new GgufValue(type, value)));
        return this;
    }

    public GgufWriter AddString(string key, string value) => Add(key, GgufValueType.String, value);
    public GgufWriter AddUInt32(string key, uint value) => Add(key, GgufValueType.UInt32, value);
    public GgufWriter AddInt32(string key, int value) => Add(key, GgufValueType.Int32, value);
    public GgufWriter AddFloat32(string key, float value) => Add(key, GgufValueType.Float32, value);
    public GgufWriter AddBool(string key, bool value) => Add(key, GgufValueType.Bool, value);
    public GgufWriter AddArray(string key, string[] values) => Add(key, GgufValueType.Array, new GgufArray(GgufValueType.String, values));
    public GgufWriter AddArray(string key, float[] values) => Add(key, GgufValueType.Array, new GgufArray(GgufValueType.Float32, values));
    public GgufWriter AddArray(string key, int[] values) => Add(key, GgufValueType.Array, new GgufArray(GgufValueType.Int32, values));

    /// <summary>Adds a tensor; <paramref name="dims"/> innermost-first (dims[0] = columns); <paramref name="write"/> must write exactly <paramref name="byteLength"/> bytes.</summary>
    public GgufWriter AddTensor(string name, long[] dims, GgmlType type, long byteLength, Action<Stream> write)
    {
        if (_tensors.Any(t => t.Name == name)) throw new ArgumentException($"tensor '{name}' added twice", nameof(name));
        _tensors.Add((name, dims, type, byteLength, write));
        return this;
    }

    public GgufWriter AddTensor(string name, long[] dims, GgmlType type, byte[] data) =>
        AddTensor(name, dims, type, data.Length, s => s.Write(data));

    public GgufWriter AddF32(string name, float[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return AddTensor(name, dims, GgmlType.F32, bytes);
    }

    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    public void WriteTo(Stream output)
    {
        var s = new BufferedStream(output, 1 << 20);
        var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufFile.Magic);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value.Type, value.Value);
        }
        long offset = 0;
        var offsets = new long[_tensors.Count];
        for (int i = 0; i < _tensors.Count; i++)
        {
            var (name, dims, type, bytes, _) = _tensors[i];
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (long d in dims) w.Write((ulong)d);
            w.Write((uint)type);
            w.Write((ulong)offset);
            offsets[i] = offset;
            offset = Align(offset + bytes);
        }
        w.Flush();
        long position = HeaderLength();
        Pad(s, Align(position) - position);
        long written = 0;
        for (int i = 0; i < _tensors.Count; i++)
        {
            Pad(s, offsets[i] - written);
            var counter = new CountingStream(s);
            _tensors[i].Write(counter);
            if (counter.Count != _tensors[i].Bytes)
                throw new InvalidOperationException($"tensor '{_tensors[i].Name}': wrote {counter.Count} bytes, declared {_tensors[i].Bytes}");
            written = offsets[i] + counter.Count;
        }
        s.Flush();
    }

    private long Align(long x) => (x + Alignment - 1) / Alignment * Alignment;

    private long HeaderLength()
    {
        var counter = new CountingStream(Stream.Null);
        var w = new BinaryWriter(counter, Encoding.UTF8, leaveOpen: true);
        w.Write(0u); w.Write(0u); w.Write(0ul); w.Write(0ul);
        foreach (var (key, value) in _metadata) { WriteString(w, key); w.Write(0u); WriteValue(w, value.Type, value.Value); }
        foreach (var t in _tensors) { WriteString(w, t.Name); w.Write(0u); foreach (var _ in t.Dims) w.Write(0ul); w.Write(0u); w.Write(0ul); }
        w.Flush();
        return counter.Count;
    }

    private static void Pad(Stream s, long n)
    {
        for (long i = 0; i < n; i++) s.WriteByte(0);
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)value); break;
            case GgufValueType.Int8: w.Write((sbyte)value); break;
            case GgufValueType.UInt16: w.Write((ushort)value); break;
            case GgufValueType.Int16: w.Write((short)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            case GgufValueType.Array:
                var arr = (GgufArray)value;
                w.Write((uint)arr.ElementType);
                w.Write((ulong)arr.Values.Length);
                foreach (var item in arr.Values) WriteValue(w, arr.ElementType, item!);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    /// <summary>Counts bytes passing through to an inner stream.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) { inner.Write(buffer, offset, count); Count += count; }
        public override void Write(ReadOnlySpan<byte> buffer) { inner.Write(buffer); Count += buffer.Length; }
        public override void WriteByte(byte value) { inner.WriteByte(value); Count++; }
    }
}
