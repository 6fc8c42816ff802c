namespace RelationNeurons.Tokenization;

/// <summary>The byte-fallback pieces "&lt;0x00&gt;".."&lt;0xFF&gt;" shared by SentencePiece and Hugging Face BPE.</summary>
public static class BytePieces
{
    private static readonly string[] Names = Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>").ToArray();

    public static string Name(byte b) => Names[b];

    /// <summary>The byte a piece stands for, or null when it is not exactly "&lt;0xXX&gt;" (upper-case hex).</summary>
    public static byte? TryParse(string piece)
    {
        if (piece.Length != 6 || !piece.StartsWith("<0x", StringComparison.Ordinal) || piece[5] != '>') return null;
        int hi = Hex(piece[3]), lo = Hex(piece[4]);
        if (hi < 0 || lo < 0) return null;
        return (byte)(hi * 16 + lo);
    }

    private static int Hex(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
