using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;
using RelationNeurons.IO;

namespace RelationNeurons.Models.Safetensors;

/// <summary>Where one tensor's bytes are inside a safetensors file.</summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDtype Dtype, long[] Shape, long DataOffset, long ByteLength)
{
    public long ElementCount => ByteLength / SafetensorsFile.ElementSize(Dtype);
}

/// <summary>
/// A safetensors file opened read-only through a memory map: the header is parsed and validated
/// (no tensor can point outside the file or overlap another), tensor bytes are never copied
/// unless asked for. Dispose releases the mapping; spans handed out before must not outlive it.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>Headers larger than this are refused as hostile (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;

    public string Path { get; }
    public long FileLength { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors => _tensors;

    private SafetensorsFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr,
        Dictionary<string, SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path; FileLength = length; _map = map; _view = view; _base = basePtr; _tensors = tensors; Metadata = metadata;
    }

    /// <summary>Whether [address, address + bytes) lies inside this file's mapping.</summary>
    public bool Maps(void* address, long bytes) =>
        _base != null && (byte*)address >= _base && bytes >= 0 && (byte*)address + bytes <= _base + FileLength;

    public static int ElementSize(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 or SafetensorsDtype.I32 => 4,
        SafetensorsDtype.F16 or SafetensorsDtype.BF16 => 2,
        SafetensorsDtype.I64 => 8,
        SafetensorsDtype.U8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
        long length = IO.FileLength.Of(path);
        if (length < 8) throw new UserInputException($"{path}: not a safetensors file (only {length} bytes, the header length alone takes 8)");

        byte[] headerBytes;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            Span<byte> lenBytes = stackalloc byte[8];
            fs.ReadExactly(lenBytes);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
            if (headerLength > (ulong)(length - 8))
                throw new UserInputException($"{path}: header length {headerLength} runs past the end of the file ({length} bytes); the file is truncated or not safetensors");
            if (headerLength > MaxHeaderBytes)
                throw new UserInputException($"{path}: header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
            headerBytes = new byte[headerLength];
            fs.ReadExactly(headerBytes);
        }
        long dataStart = 8 + headerBytes.LongLength;
        var (tensors, metadata) = ParseHeader(path, headerBytes, dataStart, length);

        if (length == dataStart)
            return new SafetensorsFile(path, length, null, null, null, tensors, metadata);
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* ptr = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
        return new SafetensorsFile(path, length, map, view, ptr + view.PointerOffset, tensors, metadata);
    }

    private static (Dictionary<string, SafetensorsTensorInfo>, Dictionary<string, string>) ParseHeader(
        string path, byte[] header, long dataStart, long fileLength)
    {
        var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        // JsonDocument checks UTF-8 only lazily, when a string is read: check it all up front.
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw new UserInputException($"{path}: header is not valid UTF-8 text; the file is corrupt or not safetensors");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new UserInputException($"{path}: malformed header JSON ({e.Message})"); }
        using (doc)
        try
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new UserInputException($"{path}: header is not a JSON object");
            long dataLength = fileLength - dataStart;
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new UserInputException($"{path}: __metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                if (tensors.ContainsKey(prop.Name)) throw new UserInputException($"{path}: tensor '{prop.Name}' appears twice in the header");
                tensors[prop.Name] = ParseTensor(path, prop.Name, prop.Value, dataStart, dataLength);
            }
        }
        catch (InvalidOperationException e)
        {
            // A string escape that is not text (a lone surrogate such as \ud800) fails only when read.
            throw new UserInputException($"{path}: header holds a name or value that is not valid text ({e.Message})");
        }
        // Overlapping tensors would let a writer through one name corrupt another: refuse. Like the
        // reference implementation, also refuse holes and unused trailing bytes: a header length
        // that is off by a few bytes would otherwise shift every tensor silently.
        long end = dataStart; string? previous = null;
        foreach (var t in tensors.Values.OrderBy(t => t.DataOffset).ThenBy(t => t.ByteLength))
        {
            if (t.ByteLength == 0) continue;
            if (t.DataOffset < end)
                throw new UserInputException($"{path}: tensors '{previous}' and '{t.Name}' overlap");
            if (t.DataOffset > end)
                throw new UserInputException($"{path}: {t.DataOffset - end} unused bytes before tensor '{t.Name}'; the header does not describe the data");
            end = t.DataOffset + t.ByteLength; previous = t.Name;
        }
        if (end != fileLength)
            throw new UserInputException($"{path}: the tensors cover {end - dataStart} of the {fileLength - dataStart} data bytes; the header length is wrong or the file has trailing bytes");
        return (tensors, metadata);
    }

    private static SafetensorsTensorInfo ParseTensor(string path, string name, JsonElement e, long dataStart, long dataLength)
    {
        string where = $"{path}: tensor '{name}'";
        if (e.ValueKind != JsonValueKind.Object) throw new UserInputException($"{where}: entry is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new UserInputException($"{where}: missing dtype");
        // Match names exactly: Enum.TryParse would also accept numeric strings such as "1".
        string dtypeName = dt.GetString()!;
        if (!Enum.GetNames<SafetensorsDtype>().Contains(dtypeName) || !Enum.TryParse<SafetensorsDtype>(dtypeName, out var dtype))
            throw new UserInputException($"{where}: unsupported dtype '{dt.GetString()}' (supported: F32, F16, BF16, I32, I64, U8)");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new UserInputException($"{where}: missing shape");
        var shape = new long[sh.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new UserInputException($"{where}: shape entries must be non-negative integers");
            shape[i++] = dim;
            try { count = checked(count * dim); }
            catch (OverflowException) { throw new UserInputException($"{where}: shape [{string.Join(",", shape.Take(i))}...] overflows"); }
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new UserInputException($"{where}: data_offsets must be [begin, end]");
        if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number ||
            !off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new UserInputException($"{where}: data_offsets are not a valid [begin, end] pair");
        if (end > dataLength)
            throw new UserInputException($"{where}: data_offsets [{begin}, {end}] run past the end of the data ({dataLength} bytes); the file is truncated");
        long expectedBytes;
        try { expectedBytes = checked(count * ElementSize(dtype)); }
        catch (OverflowException) { throw new UserInputException($"{where}: shape overflows"); }
        if (end - begin != expectedBytes)
            throw new UserInputException($"{where}: {dtype} shape [{string.Join(",", shape)}] needs {expectedBytes} bytes but data_offsets span {end - begin}");
        return new SafetensorsTensorInfo(name, dtype, shape, dataStart + begin, end - begin);
    }

    public SafetensorsTensorInfo Get(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw new UserInputException($"{Path}: tensor '{name}' not found");

    /// <summary>Pointer to a tensor's first byte inside the mapping.</summary>
    public byte* DataPointer(SafetensorsTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _base + tensor.DataOffset;
    }

    /// <summary>The tensor's raw bytes (tensors up to 2 GB).</summary>
    public ReadOnlySpan<byte> Bytes(SafetensorsTensorInfo tensor)
    {
        if (tensor.ByteLength == 0) return ReadOnlySpan<byte>.Empty;
        if (tensor.ByteLength > int.MaxValue) throw new NotSupportedException($"tensor '{tensor.Name}' is larger than 2 GB; use DataPointer");
        return new ReadOnlySpan<byte>(DataPointer(tensor), (int)tensor.ByteLength);
    }

    /// <summary>Copies a float tensor (F32, F16 or BF16) into a new float32 array.</summary>
    public float[] ReadFloat32(string name)
    {
        var t = Get(name);
        var result = new float[t.ElementCount];
        CopyAsFloat32(t, result);
        return result;
    }

    public void CopyAsFloat32(SafetensorsTensorInfo t, Span<float> destination)
    {
        var bytes = Bytes(t);
        switch (t.Dtype)
        {
            case SafetensorsDtype.F32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination); break;
            case SafetensorsDtype.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < halves.Length; i++) destination[i] = (float)halves[i];
                break;
            case SafetensorsDtype.BF16:
                var bf = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < bf.Length; i++) destination[i] = BFloat16.ToSingle(bf[i]);
                break;
            default: throw new UserInputException($"{Path}: tensor '{t.Name}' has dtype {t.Dtype}, expected a float type");
        }
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
