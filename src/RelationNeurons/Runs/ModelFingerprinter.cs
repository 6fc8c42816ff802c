using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Runs;

/// <summary>
/// Identifies a checkpoint by content: the SHA-256 of each weights file, and as the model's digest
/// the SHA-256 of the lines "relative-path size sha256" in path order (one file: its own digest).
/// </summary>
public static class ModelFingerprinter
{
    public static ModelFingerprint Compute(string name, string directory, IReadOnlyList<string> weightFiles)
    {
        var files = weightFiles.Select(Path.GetFullPath).Order(StringComparer.Ordinal).Select(path =>
        {
            using var stream = File.OpenRead(path);
            string sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            return new FileDigest(Path.GetRelativePath(directory, path).Replace('\\', '/'), stream.Length, sha);
        }).ToArray();
        string combined = files.Length == 1 ? files[0].Sha256
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Path} {f.Bytes} {f.Sha256}\n")))));
        JsonElement? config = null;
        string configPath = Path.Combine(directory, "config.json");
        if (File.Exists(configPath))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
            config = doc.RootElement.Clone();
        }
        return new ModelFingerprint(name, config, combined, files);
    }
}
