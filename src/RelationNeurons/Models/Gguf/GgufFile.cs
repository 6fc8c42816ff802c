using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;
using RelationNeurons.IO;

namespace RelationNeurons.Models.Gguf;

/// <summary>
/// A GGUF file (version 2 or 3, little-endian) opened read-only through a memory map. The header,
/// metadata and tensor infos are parsed with every count, length and offset checked against the
/// file size before use, so a truncated or hostile file gives a <see cref="UserInputException"/>
/// naming the file and the problem (never an overflow, a huge allocation or a read past the end).
/// Tensor bytes stay in the map; dispose to release it.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    public const uint Magic = 0x46554747; // "GGUF" little-endian
    public const int DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";
    private const int MaxDims = 4;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, GgufValue> _metadata;
    private readonly Dictionary<string, GgufTensorInfo> _tensors;

    public string Path { get; }
    public long FileLength { get; }
    public uint Version { get; }
    public int Alignment { get; }
    /// <summary>File offset where tensor data starts (offsets in tensor infos are relative to it).</summary>
    public long DataStart { get; }
    public IReadOnlyDictionary<string, GgufValue> Metadata => _metadata;
    public IReadOnlyDictionary<string, GgufTensorInfo> Tensors => _tensors;
    /// <summary>Tensor names in file order.</summary>
    public IReadOnlyList<string> TensorOrder { get; }

    private GgufFile(string path, long length, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePtr)
    {
        Path = path; FileLength = length; _map = map; _view = view; _base = basePtr;
        var c = new Cursor(basePtr, length, path);
        uint magic = c.U32("magic");
        if (magic != Magic)
        {
            string hint = magic == 0x47475546 ? " (big-endian GGUF is not supported)" : "";
            throw new UserInputException($"{path}: not a GGUF file (bad magic 0x{magic:x8}; expected \"GGUF\"){hint}");
        }
        Version = c.U32("version");
        if (Version is not (2 or 3))
            throw new UserInputException($"{path}: GGUF version {Version} is not supported (only 2 and 3)");
        ulong tensorCount = c.U64("tensor count"), kvCount = c.U64("metadata count");
        // Every metadata entry takes at least 12 bytes and every tensor info at least 24: cheap bounds first.
        if (kvCount > (ulong)(length / 12)) throw c.Error($"metadata count {kvCount} cannot fit in a file of {length} bytes");
        if (tensorCount > (ulong)(length / 24)) throw c.Error($"tensor count {tensorCount} cannot fit in a file of {length} bytes");

        _metadata = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            string key = c.String($"metadata key {i}");
            var type = c.ValueType($"metadata '{key}'");
            var value = c.Value(type, $"metadata '{key}'", depth: 0);
            if (!_metadata.TryAdd(key, value)) throw c.Error($"metadata key '{key}' appears twice");
        }

        Alignment = DefaultAlignment;
        if (_metadata.TryGetValue(AlignmentKey, out var a))
        {
            if (a.Type != GgufValueType.UInt32 || (uint)a.Value is 0 or > (1u << 20) || ((uint)a.Value & ((uint)a.Value - 1)) != 0)
                throw new UserInputException($"{path}: {AlignmentKey} must be a power-of-two uint32 (at most 2^20), got {a.Type} {a.Value}");
            Alignment = (int)(uint)a.Value;
        }

        var infos = new List<(string Name, long[] Dims, GgmlType Type, ulong Offset)>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            string name = c.String($"tensor {i} name");
            uint dimCount = c.U32($"tensor '{name}' dimension count");
            if (dimCount is 0 or > MaxDims) throw c.Error($"tensor '{name}' has {dimCount} dimensions (1 to {MaxDims} allowed)");
            var dims = new long[dimCount];
            for (int d = 0; d < dimCount; d++)
            {
                ulong v = c.U64($"tensor '{name}' dimension {d}");
                if (v == 0 || v > (ulong)length * 8) throw c.Error($"tensor '{name}' dimension {d} is {v}, impossible for a file of {length} bytes");
                dims[d] = (long)v;
            }
            uint typeId = c.U32($"tensor '{name}' type");
            var type = (GgmlType)typeId;
            if (GgmlTypes.Block(type) is null)
                throw c.Error($"tensor '{name}' has unknown ggml type id {typeId}");
            ulong offset = c.U64($"tensor '{name}' offset");
            infos.Add((name, dims, type, offset));
        }

        long headerEnd = c.Position;
        DataStart = (headerEnd + Alignment - 1) / Alignment * Alignment;
        if (DataStart > length && tensorCount > 0)
            throw new UserInputException($"{path}: tensor data would start at byte {DataStart}, past the end of the file ({length} bytes)");
        long dataBytes = Math.Max(0, length - DataStart);

        _tensors = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (name, dims, type, offset) in infos)
        {
            var (be, bb) = GgmlTypes.Block(type)!.Value;
            if (dims[0] % be != 0)
                throw new UserInputException($"{path}: tensor '{name}' has {dims[0]} columns, not a whole number of {type} blocks of {be}");
            long bytes;
            try
            {
                bytes = checked(dims[0] / be * bb);
                for (int d = 1; d < dims.Length; d++) bytes = checked(bytes * dims[d]);
            }
            catch (OverflowException) { throw new UserInputException($"{path}: tensor '{name}' dimensions [{string.Join(", ", dims)}] overflow"); }
            if (offset % (ulong)Alignment != 0)
                throw new UserInputException($"{path}: tensor '{name}' data offset {offset} is misaligned (alignment {Alignment})");
            if (offset > (ulong)dataBytes || (ulong)bytes > (ulong)dataBytes - offset)
                throw new UserInputException($"{path}: tensor '{name}' ({bytes} bytes at data offset {offset}) runs past the end of the file ({length} bytes, data from byte {DataStart})");
            if (!_tensors.TryAdd(name, new GgufTensorInfo(name, dims, type, (long)offset, bytes)))
                throw new UserInputException($"{path}: tensor '{name}' appears twice");
            order.Add(name);
        }
        TensorOrder = order;
    }

    public static GgufFile Open(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
        long length = IO.FileLength.Of(path);
        if (length < 24) throw new UserInputException($"{path}: not a GGUF file (only {length} bytes; the header alone takes 24)");
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* ptr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            acquired = true;
            return new GgufFile(path, length, map, view, ptr + view.PointerOffset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release(view, map, acquired);
            throw new UserInputException($"{path}: cannot read ({e.Message})");
        }
        catch
        {
            Release(view, map, acquired);
            throw;
        }
    }

    /// <summary>Whether the file starts with the GGUF magic (false for missing or short files).</summary>
    public static bool HasMagic(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> b = stackalloc byte[4];
            return fs.Read(b) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(b) == Magic;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Pointer to a tensor's first byte inside the map.</summary>
    public byte* DataPointer(GgufTensorInfo info) => _base + DataStart + info.Offset;

    /// <summary>Whether [address, address + bytes) lies inside this file's mapping.</summary>
    public bool Maps(void* address, long bytes) =>
        _base != null && (byte*)address >= _base && bytes >= 0 && (byte*)address + bytes <= _base + FileLength;

    public ReadOnlySpan<byte> Bytes(GgufTensorInfo info) => new(DataPointer(info), checked((int)info.ByteLength));

    public GgufTensorInfo? Find(string name) => _tensors.TryGetValue(name, out var t) ? t : null;

    // ---- typed metadata access: a value of the wrong type is a user error naming the key ----

    public bool Has(string key) => _metadata.ContainsKey(key);

    public string? GetString(string key) => _metadata.TryGetValue(key, out var v)
        ? v.Value as string ?? throw WrongType(key, v, "a string") : null;

    /// <summary>Any integer type, widened to long (unsigned 64-bit values above long.MaxValue are refused).</summary>
    public long? GetInteger(string key)
    {
        if (!_metadata.TryGetValue(key, out var v)) return null;
        return v.Value switch
        {
            byte b => b, sbyte sb => sb, ushort us => us, short s => s, uint ui => ui, int i => i, long l => l,
            ulong ul when ul <= long.MaxValue => (long)ul,
            _ => throw WrongType(key, v, "an integer"),
        };
    }

    /// <summary>Any numeric type as double.</summary>
    public double? GetNumber(string key)
    {
        if (!_metadata.TryGetValue(key, out var v)) return null;
        return v.Value switch
        {
            // A float32 value reads as the shortest decimal that round-trips it (1e-5f → 1e-5), the value its writer meant.
            float f => double.Parse(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture),
            double d => d,
            _ => GetInteger(key) ?? throw WrongType(key, v, "a number"),
        };
    }

    public bool? GetBool(string key) => _metadata.TryGetValue(key, out var v)
        ? v.Value is bool b ? b : throw WrongType(key, v, "a bool") : null;

    /// <summary>An array whose elements are <typeparamref name="T"/> (string, float, int, ...).</summary>
    public T[]? GetArray<T>(string key)
    {
        if (!_metadata.TryGetValue(key, out var v)) return null;
        if (v.Value is GgufArray { Values: T[] values }) return values;
        throw WrongType(key, v, $"an array of {typeof(T).Name}");
    }

    /// <summary>An integer array of any element width as int[] (values outside int range are refused).</summary>
    public int[]? GetIntArray(string key)
    {
        if (!_metadata.TryGetValue(key, out var v)) return null;
        if (v.Value is not GgufArray arr || arr.ElementType is GgufValueType.String or GgufValueType.Array or GgufValueType.Float32 or GgufValueType.Float64 or GgufValueType.Bool)
            throw WrongType(key, v, "an integer array");
        var result = new int[arr.Values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            long x = Convert.ToInt64(arr.Values.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            if (x is < int.MinValue or > int.MaxValue) throw new UserInputException($"{Path}: metadata '{key}'[{i}] = {x} is out of range");
            result[i] = (int)x;
        }
        return result;
    }

    private UserInputException WrongType(string key, GgufValue v, string expected) =>
        new($"{Path}: metadata '{key}' is {(v.Value is GgufArray a ? $"an array of {a.ElementType}" : v.Type.ToString())}, expected {expected}");

    private static void Release(MemoryMappedViewAccessor? view, MemoryMappedFile? map, bool acquired)
    {
        if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
        view?.Dispose();
        map?.Dispose();
    }

    public void Dispose() => Release(_view, _map, acquired: true);

    /// <summary>Bounds-checked little-endian reads over the mapped header.</summary>
    private sealed class Cursor(byte* data, long length, string path)
    {
        public long Position { get; private set; }

        public UserInputException Error(string message) => new($"{path}: {message} (at byte {Position})");

        private byte* Take(long n, string what)
        {
            if (n < 0 || n > length - Position)
                throw new UserInputException($"{path}: {what} runs past the end of the file (needs {n} bytes at byte {Position}, file has {length})");
            byte* p = data + Position;
            Position += n;
            return p;
        }

        public byte U8(string what) => *Take(1, what);
        public ushort U16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(Take(2, what), 2));
        public uint U32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(Take(4, what), 4));
        public ulong U64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(Take(8, what), 8));

        public string String(string what)
        {
            ulong len = U64(what + " length");
            if (len > (ulong)(length - Position))
                throw Error($"{what}: string length {len} runs past the end of the file ({length} bytes)");
            byte* p = Take((long)len, what);
            try { return new UTF8Encoding(false, true).GetString(p, (int)Math.Min(len, int.MaxValue)); }
            catch (DecoderFallbackException) { throw Error($"{what}: string is not valid UTF-8"); }
            catch (ArgumentException) { throw Error($"{what}: string of {len} bytes is too long"); }
        }

        public GgufValueType ValueType(string what)
        {
            uint t = U32(what + " type");
            if (t > (uint)GgufValueType.Float64) throw Error($"{what}: unknown value type {t}");
            return (GgufValueType)t;
        }

        private static int MinSize(GgufValueType t) => t switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.String => 8,
            GgufValueType.Array => 12,
            _ => 8,
        };

        public GgufValue Value(GgufValueType type, string what, int depth) => new(type, type switch
        {
            GgufValueType.UInt8 => U8(what),
            GgufValueType.Int8 => (sbyte)U8(what),
            GgufValueType.UInt16 => U16(what),
            GgufValueType.Int16 => (short)U16(what),
            GgufValueType.UInt32 => U32(what),
            GgufValueType.Int32 => (int)U32(what),
            GgufValueType.Float32 => BitConverter.UInt32BitsToSingle(U32(what)),
            GgufValueType.Bool => Bool(what),
            GgufValueType.String => String(what),
            GgufValueType.UInt64 => U64(what),
            GgufValueType.Int64 => (long)U64(what),
            GgufValueType.Float64 => BitConverter.UInt64BitsToDouble(U64(what)),
            GgufValueType.Array => ArrayValue(what, depth),
            _ => throw Error($"{what}: unknown value type {(uint)type}"),
        });

        private bool Bool(string what)
        {
            byte b = U8(what);
            if (b > 1) throw Error($"{what}: bool value {b} is neither 0 nor 1");
            return b == 1;
        }

        private GgufArray ArrayValue(string what, int depth)
        {
            if (depth >= 8) throw Error($"{what}: arrays nested more than 8 deep");
            var et = ValueType(what + " element");
            ulong count = U64(what + " element count");
            if (count > (ulong)((length - Position) / MinSize(et)))
                throw Error($"{what}: array of {count} {et} elements runs past the end of the file ({length} bytes)");
            int n = (int)count;
            string At(int i) => $"{what}[{i}]";
            switch (et)
            {
                case GgufValueType.String: { var a = new string[n]; for (int i = 0; i < n; i++) a[i] = String(At(i)); return new(et, a); }
                case GgufValueType.Float32: { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = BitConverter.UInt32BitsToSingle(U32(what)); return new(et, a); }
                case GgufValueType.Int32: { var a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int)U32(what); return new(et, a); }
                case GgufValueType.UInt32: { var a = new uint[n]; for (int i = 0; i < n; i++) a[i] = U32(what); return new(et, a); }
                case GgufValueType.UInt8: { var a = new byte[n]; for (int i = 0; i < n; i++) a[i] = U8(what); return new(et, a); }
                case GgufValueType.Int8: { var a = new sbyte[n]; for (int i = 0; i < n; i++) a[i] = (sbyte)U8(what); return new(et, a); }
                case GgufValueType.UInt16: { var a = new ushort[n]; for (int i = 0; i < n; i++) a[i] = U16(what); return new(et, a); }
                case GgufValueType.Int16: { var a = new short[n]; for (int i = 0; i < n; i++) a[i] = (short)U16(what); return new(et, a); }
                case GgufValueType.UInt64: { var a = new ulong[n]; for (int i = 0; i < n; i++) a[i] = U64(what); return new(et, a); }
                case GgufValueType.Int64: { var a = new long[n]; for (int i = 0; i < n; i++) a[i] = (long)U64(what); return new(et, a); }
                case GgufValueType.Float64: { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = BitConverter.UInt64BitsToDouble(U64(what)); return new(et, a); }
                case GgufValueType.Bool: { var a = new bool[n]; for (int i = 0; i < n; i++) a[i] = Bool(At(i)); return new(et, a); }
                default: { var a = new GgufArray[n]; for (int i = 0; i < n; i++) a[i] = (GgufArray)Value(GgufValueType.Array, At(i), depth + 1).Value; return new(et, a); }
            }
        }
    }
}
