using System.Buffers.Binary;
using System.Text;
using RelationNeurons.IO;

namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>
/// Serializes a <see cref="SentencePieceModel"/> as a SentencePiece <c>ModelProto</c>
/// (tokenizer.model) with the fields <see cref="SentencePieceModelReader"/> reads, so the
/// SentencePiece library and our reader load the same vocabulary and normalization settings.
/// </summary>
public static class SentencePieceModelWriter
{
    public static void Write(SentencePieceModel model, string path) => AtomicFile.WriteAllBytes(path, Serialize(model));

    public static byte[] Serialize(SentencePieceModel model)
    {
        var root = new MemoryStream();
        Span<byte> f = stackalloc byte[4];
        foreach (var p in model.Pieces)
        {
            var piece = new MemoryStream();
            WriteString(piece, 1, p.Piece);
            WriteTag(piece, 2, 5);
            BinaryPrimitives.WriteSingleLittleEndian(f, p.Score);
            piece.Write(f);
            WriteVarintField(piece, 3, (ulong)(long)(int)p.Type);
            WriteBytes(root, 1, piece.ToArray());
        }

        var trainer = new MemoryStream();
        WriteVarintField(trainer, 3, (ulong)(long)(int)model.ModelType);
        WriteVarintField(trainer, 4, (ulong)model.Pieces.Count);
        WriteVarintField(trainer, 24, model.TreatWhitespaceAsSuffix ? 1UL : 0UL);
        WriteVarintField(trainer, 35, model.ByteFallback ? 1UL : 0UL);
        WriteVarintField(trainer, 40, (ulong)(long)model.UnkId);
        WriteVarintField(trainer, 41, (ulong)(long)model.BosId);
        WriteVarintField(trainer, 42, (ulong)(long)model.EosId);
        WriteVarintField(trainer, 43, (ulong)(long)model.PadId);
        WriteString(trainer, 44, model.UnkSurface);
        WriteBytes(root, 2, trainer.ToArray());

        var normalizer = new MemoryStream();
        WriteString(normalizer, 1, model.NormalizerName);
        if (model.PrecompiledCharsmap.Length > 0) WriteBytes(normalizer, 2, model.PrecompiledCharsmap);
        WriteVarintField(normalizer, 3, model.AddDummyPrefix ? 1UL : 0UL);
        WriteVarintField(normalizer, 4, model.RemoveExtraWhitespaces ? 1UL : 0UL);
        WriteVarintField(normalizer, 5, model.EscapeWhitespaces ? 1UL : 0UL);
        WriteBytes(root, 3, normalizer.ToArray());
        return root.ToArray();
    }

    private static void WriteTag(Stream s, int field, int wireType) => WriteVarint(s, ((ulong)field << 3) | (uint)wireType);

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }

    private static void WriteVarintField(Stream s, int field, ulong value)
    {
        WriteTag(s, field, 0);
        WriteVarint(s, value);
    }

    private static void WriteBytes(Stream s, int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteString(Stream s, int field, string value) => WriteBytes(s, field, Encoding.UTF8.GetBytes(value));
}
