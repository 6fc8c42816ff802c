namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>The piece types of sentencepiece_model.proto (numbers as in the file).</summary>
public enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>The segmentation algorithm a SentencePiece model was trained with (TrainerSpec.ModelType).</summary>
public enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}

/// <summary>One vocabulary entry of a SentencePiece model; its id is its index.</summary>
public readonly record struct SentencePieceEntry(string Piece, float Score, PieceType Type);

/// <summary>
/// The parts of a SentencePiece <c>ModelProto</c> that segmentation depends on. Defaults are the
/// proto2 defaults of sentencepiece_model.proto, so a field absent from the file reads as the
/// library would read it.
/// </summary>
public sealed record SentencePieceModel
{
    public required IReadOnlyList<SentencePieceEntry> Pieces { get; init; }
    public SentencePieceModelType ModelType { get; init; } = SentencePieceModelType.Unigram;
    public bool ByteFallback { get; init; }
    public int UnkId { get; init; }
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;
    public int PadId { get; init; } = -1;
    /// <summary>What an unknown piece decodes to (" ⁇ " by default).</summary>
    public string UnkSurface { get; init; } = " \u2047 ";
    public bool TreatWhitespaceAsSuffix { get; init; }
    public string NormalizerName { get; init; } = "";
    public byte[] PrecompiledCharsmap { get; init; } = [];
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;
}
