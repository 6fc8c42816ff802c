using System.Text;
using System.Text.Json;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// Checks that a file under its final name is complete: JSON parses, every JSONL line parses and
/// the file ends with a newline, safetensors opens (the reader refuses any length mismatch), CSV
/// and Markdown end with a newline, SVG and HTML are closed, PNG ends with its IEND chunk.
/// Hidden files (the temporaries of AtomicFile) are not final names and are skipped.
/// </summary>
internal static class OutputIntegrity
{
    public static bool IsFinalName(string path) => !Path.GetFileName(path).StartsWith('.') && !path.EndsWith(".tmp", StringComparison.Ordinal);

    /// <summary>Null when the file is complete, else what is wrong with it.</summary>
    public static string? Problem(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException) { return null; }          // removed or replaced while we looked: not a partial file
        catch (UnauthorizedAccessException) { return null; }
        string ext = Path.GetExtension(path).ToLowerInvariant();
        try
        {
            switch (ext)
            {
                case ".json":
                    using (JsonDocument.Parse(bytes)) { }
                    return null;
                case ".jsonl":
                    if (bytes.Length > 0 && bytes[^1] != '\n') return "JSONL without a final newline";
                    foreach (string line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        using (JsonDocument.Parse(line)) { }
                    return null;
                case ".safetensors":
                    using (SafetensorsFile.Open(path)) { }
                    return null;
                case ".csv" or ".md" or ".txt":
                    return bytes.Length > 0 && bytes[^1] == '\n' ? null : "text without a final newline";
                case ".svg":
                    return Encoding.UTF8.GetString(bytes).TrimEnd().EndsWith("</svg>", StringComparison.Ordinal) ? null : "SVG not closed";
                case ".html":
                    return Encoding.UTF8.GetString(bytes).TrimEnd().EndsWith("</html>", StringComparison.OrdinalIgnoreCase) ? null : "HTML not closed";
                case ".png":
                    return bytes.Length >= 12 && bytes.AsSpan(bytes.Length - 8, 4).SequenceEqual("IEND"u8) ? null : "PNG without IEND";
                default:
                    return null;
            }
        }
        catch (JsonException e) { return $"not complete JSON ({e.Message})"; }
        catch (UserInputException e) { return $"not a complete safetensors file ({e.Message})"; }
    }

    /// <summary>Problems of every final-named file under a folder.</summary>
    public static List<string> Scan(string folder) =>
        !Directory.Exists(folder) ? [] :
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(IsFinalName)
            .Select(f => Problem(f) is { } p ? $"{Path.GetRelativePath(folder, f)}: {p}" : null)
            .OfType<string>().ToList();
}
