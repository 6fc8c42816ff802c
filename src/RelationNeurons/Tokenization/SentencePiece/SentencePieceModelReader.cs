using RelationNeurons.IO;

namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>
/// Parses a SentencePiece <c>tokenizer.model</c> (a serialized <c>sentencepiece.ModelProto</c>)
/// with our own wire reader. Only the fields that change segmentation are read; the rest are
/// skipped. Field numbers are those of sentencepiece_model.proto.
/// </summary>
public static class SentencePieceModelReader
{
    /// <summary>Files larger than this are not SentencePiece models (Llama-2's is 0.5 MB).</summary>
    private const long MaxFileBytes = 256L << 20;

    public static SentencePieceModel Load(string path)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
            long length = FileLength.Of(path);
            if (length > MaxFileBytes) throw new UserInputException($"{path}: {length} bytes is too large for a SentencePiece model");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read ({e.Message})");
        }
        return Parse(bytes, path);
    }

    public static SentencePieceModel Parse(ReadOnlySpan<byte> data, string source = "tokenizer.model")
    {
        var pieces = new List<SentencePieceEntry>();
        var trainer = new TrainerFields();
        var normalizer = new NormalizerFields();
        var reader = new ProtoWireReader(data, source);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    Expect(ref reader, type, WireType.LengthDelimited, "ModelProto.pieces");
                    var sub = reader.ReadMessage();
                    pieces.Add(ReadPiece(ref sub, pieces.Count));
                    break;
                case 2:
                    Expect(ref reader, type, WireType.LengthDelimited, "ModelProto.trainer_spec");
                    var trainerReader = reader.ReadMessage();
                    ReadTrainerSpec(ref trainerReader, trainer);
                    break;
                case 3:
                    Expect(ref reader, type, WireType.LengthDelimited, "ModelProto.normalizer_spec");
                    var normReader = reader.ReadMessage();
                    ReadNormalizerSpec(ref normReader, normalizer);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        var model = new SentencePieceModel
        {
            Pieces = pieces,
            ModelType = trainer.ModelType,
            ByteFallback = trainer.ByteFallback,
            UnkId = trainer.UnkId,
            BosId = trainer.BosId,
            EosId = trainer.EosId,
            PadId = trainer.PadId,
            UnkSurface = trainer.UnkSurface,
            TreatWhitespaceAsSuffix = trainer.TreatWhitespaceAsSuffix,
            NormalizerName = normalizer.Name,
            PrecompiledCharsmap = normalizer.Charsmap,
            AddDummyPrefix = normalizer.AddDummyPrefix,
            RemoveExtraWhitespaces = normalizer.RemoveExtraWhitespaces,
            EscapeWhitespaces = normalizer.EscapeWhitespaces,
        };
        Validate(model, source);
        return model;
    }

    /// <summary>The checks SentencePiece's ModelInterface makes when it loads a model.</summary>
    private static void Validate(SentencePieceModel model, string source)
    {
        if (model.Pieces.Count == 0) throw new UserInputException($"{source}: the model has no pieces (not a SentencePiece model?)");
        if (!Enum.IsDefined(model.ModelType))
            throw new UserInputException($"{source}: unknown model_type {(int)model.ModelType}");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int unknowns = 0;
        for (int i = 0; i < model.Pieces.Count; i++)
        {
            var p = model.Pieces[i];
            if (p.Piece.Length == 0) throw new UserInputException($"{source}: piece {i} is empty");
            if (!Enum.IsDefined(p.Type)) throw new UserInputException($"{source}: piece {i} has unknown type {(int)p.Type}");
            if (float.IsNaN(p.Score) || float.IsInfinity(p.Score)) throw new UserInputException($"{source}: piece {i} has a non-finite score");
            if (!seen.TryAdd(p.Piece, i)) throw new UserInputException($"{source}: piece '{p.Piece}' appears twice (ids {seen[p.Piece]} and {i})");
            if (p.Type == PieceType.Unknown) unknowns++;
            if (p.Type == PieceType.Byte)
            {
                if (!model.ByteFallback) throw new UserInputException($"{source}: byte piece {i} '{p.Piece}' in a model without byte_fallback");
                if (BytePieces.TryParse(p.Piece) is null) throw new UserInputException($"{source}: byte piece {i} '{p.Piece}' is not of the form <0xXX>");
            }
        }
        if (unknowns != 1) throw new UserInputException($"{source}: the model must have exactly one unknown piece, found {unknowns}");
        if (model.UnkId < 0 || model.UnkId >= model.Pieces.Count || model.Pieces[model.UnkId].Type != PieceType.Unknown)
            throw new UserInputException($"{source}: unk_id {model.UnkId} is not the unknown piece");
        if (model.ByteFallback)
            for (int b = 0; b < 256; b++)
                if (!seen.TryGetValue(BytePieces.Name((byte)b), out int id) || model.Pieces[id].Type != PieceType.Byte)
                    throw new UserInputException($"{source}: byte_fallback is on but byte piece {BytePieces.Name((byte)b)} is missing");
    }

    private static SentencePieceEntry ReadPiece(ref ProtoWireReader reader, int index)
    {
        string? piece = null;
        float score = 0;
        var type = PieceType.Normal;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: Expect(ref reader, wire, WireType.LengthDelimited, "SentencePiece.piece"); piece = reader.ReadString(); break;
                case 2: Expect(ref reader, wire, WireType.Fixed32, "SentencePiece.score"); score = reader.ReadFloat(); break;
                case 3: Expect(ref reader, wire, WireType.Varint, "SentencePiece.type"); type = (PieceType)reader.ReadInt32(); break;
                default: reader.Skip(wire); break;
            }
        }
        if (piece is null) throw reader.Error(reader.Offset, $"piece {index} has no text");
        return new SentencePieceEntry(piece, score, type);
    }

    private static void ReadTrainerSpec(ref ProtoWireReader reader, TrainerFields t)
    {
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 3: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.model_type"); t.ModelType = (SentencePieceModelType)reader.ReadInt32(); break;
                case 24: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.treat_whitespace_as_suffix"); t.TreatWhitespaceAsSuffix = reader.ReadBool(); break;
                case 35: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.byte_fallback"); t.ByteFallback = reader.ReadBool(); break;
                case 40: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.unk_id"); t.UnkId = reader.ReadInt32(); break;
                case 41: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.bos_id"); t.BosId = reader.ReadInt32(); break;
                case 42: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.eos_id"); t.EosId = reader.ReadInt32(); break;
                case 43: Expect(ref reader, wire, WireType.Varint, "TrainerSpec.pad_id"); t.PadId = reader.ReadInt32(); break;
                case 44: Expect(ref reader, wire, WireType.LengthDelimited, "TrainerSpec.unk_surface"); t.UnkSurface = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static void ReadNormalizerSpec(ref ProtoWireReader reader, NormalizerFields n)
    {
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: Expect(ref reader, wire, WireType.LengthDelimited, "NormalizerSpec.name"); n.Name = reader.ReadString(); break;
                case 2: Expect(ref reader, wire, WireType.LengthDelimited, "NormalizerSpec.precompiled_charsmap"); n.Charsmap = reader.ReadBytes().ToArray(); break;
                case 3: Expect(ref reader, wire, WireType.Varint, "NormalizerSpec.add_dummy_prefix"); n.AddDummyPrefix = reader.ReadBool(); break;
                case 4: Expect(ref reader, wire, WireType.Varint, "NormalizerSpec.remove_extra_whitespaces"); n.RemoveExtraWhitespaces = reader.ReadBool(); break;
                case 5: Expect(ref reader, wire, WireType.Varint, "NormalizerSpec.escape_whitespaces"); n.EscapeWhitespaces = reader.ReadBool(); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static void Expect(ref ProtoWireReader reader, WireType actual, WireType expected, string field)
    {
        if (actual != expected) throw reader.Error(reader.Offset, $"{field} has wire type {actual}, expected {expected}");
    }

    private sealed class TrainerFields
    {
        public SentencePieceModelType ModelType = SentencePieceModelType.Unigram;
        public bool ByteFallback;
        public bool TreatWhitespaceAsSuffix;
        public int UnkId;
        public int BosId = 1;
        public int EosId = 2;
        public int PadId = -1;
        public string UnkSurface = " \u2047 ";
    }

    private sealed class NormalizerFields
    {
        public string Name = "";
        public byte[] Charsmap = [];
        public bool AddDummyPrefix = true;
        public bool RemoveExtraWhitespaces = true;
        public bool EscapeWhitespaces = true;
    }
}
