namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's reversible map from bytes to printable characters (bytes_to_unicode): printable
/// Latin-1 bytes stand for themselves, the other 68 bytes take the characters from U+0100 on, in
/// byte order. Byte-level BPE vocabularies (GPT-2, Llama-3) are spelled in this alphabet.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    public static char Encode(byte b) => ByteToChar[b];

    public static bool TryDecode(char c, out byte b) => CharToByte.TryGetValue(c, out b);

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, spelled in the byte-level alphabet.</summary>
    public static string EncodeText(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, b) =>
        {
            for (int i = 0; i < b.Length; i++) span[i] = ByteToChar[b[i]];
        });
    }
}
