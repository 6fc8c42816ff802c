using System.Text;

namespace RelationNeurons.IO;

/// <summary>
/// Reads text files that must be UTF-8 (JSON inputs: relations, config.json, tokenizer.json).
/// <see cref="File.ReadAllText(string)"/> would turn bytes that are not UTF-8 (a file saved as
/// Latin-1, a corrupt download) into U+FFFD silently, so a subject such as "M\u00fcnchen" would
/// become a different string; here they are a <see cref="UserInputException"/> naming the file
/// and the byte offset.
/// </summary>
public static class StrictText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadAllText(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        { throw new UserInputException($"{path}: file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new UserInputException($"{path}: cannot read ({e.Message})"); }
        return Decode(bytes, path);
    }

    /// <summary>Decodes UTF-8 (a leading byte-order mark is dropped), refusing invalid bytes.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string source)
    {
        int skipped = 0;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) { bytes = bytes[3..]; skipped = 3; }
        try { return Strict.GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            string where = e.Index >= 0 ? $" at byte {e.Index + skipped}" : "";
            throw new UserInputException($"{source}: not valid UTF-8{where}; save the file as UTF-8");
        }
    }
}
