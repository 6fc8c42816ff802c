using System.Text;

namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A minimal protobuf wire-format reader over a byte span. Every length and varint is checked
/// against the bytes that remain, so a truncated or corrupted file ends in a
/// <see cref="UserInputException"/> naming the file and offset rather than an out-of-range read,
/// a huge allocation or an endless loop (each call either consumes bytes or throws).
/// </summary>
internal ref struct ProtoWireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;
    private readonly long _baseOffset;
    private int _position;

    public ProtoWireReader(ReadOnlySpan<byte> data, string source, long baseOffset = 0)
    {
        _data = data;
        _source = source;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Absolute offset in the file of the next byte, for error messages and sub-readers.</summary>
    public readonly long Offset => _baseOffset + _position;

    public readonly string Source => _source;

    /// <summary>Reads the next field key. Field numbers are 1..2^29-1 as the spec allows.</summary>
    public (int Field, WireType Type) ReadTag()
    {
        long at = Offset;
        ulong key = ReadVarint();
        ulong field = key >> 3;
        int type = (int)(key & 7);
        if (field == 0 || field > (1 << 29) - 1) throw Error(at, $"invalid field number {field}");
        if (type > 5) throw Error(at, $"invalid wire type {type} for field {field}");
        return ((int)field, (WireType)type);
    }

    public ulong ReadVarint()
    {
        long at = Offset;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw Error(at, "truncated varint");
            byte b = _data[_position++];
            // The tenth byte may only carry the top bit of a 64-bit value.
            if (shift == 63 && b > 1) throw Error(at, "varint longer than 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Error(at, "varint longer than 10 bytes");
    }

    public bool ReadBool() => ReadVarint() != 0;

    /// <summary>An int32/enum field: protobuf writes negative values sign-extended to 64 bits.</summary>
    public int ReadInt32() => unchecked((int)(long)ReadVarint());

    public uint ReadFixed32()
    {
        var bytes = Take(4, "fixed32");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8, "fixed64");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());

    /// <summary>The payload of a length-delimited field, checked to lie inside the buffer.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        long at = Offset;
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Error(at, $"length {length} runs past the end of the data ({_data.Length - _position} bytes left)");
        return Take((int)length, "bytes");
    }

    /// <summary>A reader over an embedded message, keeping absolute offsets for errors.</summary>
    public ProtoWireReader ReadMessage()
    {
        long at = Offset;
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Error(at, $"message length {length} runs past the end of the data ({_data.Length - _position} bytes left)");
        long start = Offset;
        var payload = Take((int)length, "message");
        return new ProtoWireReader(payload, _source, start);
    }

    public string ReadString()
    {
        long at = Offset;
        var bytes = ReadBytes();
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Error(at, "string field is not valid UTF-8"); }
    }

    /// <summary>Skips a field this reader does not use. Groups (deprecated, unused by SentencePiece) are rejected.</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8, "fixed64"); break;
            case WireType.Fixed32: Take(4, "fixed32"); break;
            case WireType.LengthDelimited: ReadBytes(); break;
            default: throw Error(Offset, $"unsupported wire type {type}");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count < 0 || count > _data.Length - _position) throw Error(Offset, $"truncated {what}");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    public readonly UserInputException Error(long offset, string message) =>
        new($"{_source}: malformed protobuf at byte {offset}: {message}");
}
