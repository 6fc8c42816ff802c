using System.Security.Cryptography;
using System.Text;

namespace RelationNeurons.Runs;

/// <summary>
/// The digest a stage's shards must share to be merged: SHA-256 of the run's settings, the model's
/// weights digest, the stage's name and the bytes of the files the stage reads. Two shards with
/// the same digest worked from the same inputs under the same settings, so their shares fit
/// together into what one process would have written; a shard made before an input changed (a
/// validation redone, other options) gets another digest and is refused by name.
/// </summary>
public static class ShardSettings
{
    public static string Digest(RunContext context, string stage, IEnumerable<string> inputFiles) =>
        Digest(stage, context.Fingerprint.WeightsSha256, context.Options.Settings(), context.Layout.Root, inputFiles);

    /// <summary>
    /// The digest of any sharded work: a run's stage, or a standalone verb's (<paramref name="weightsSha256"/>
    /// empty where no model is read); input files are named relative to <paramref name="root"/>, the folder the work writes.
    /// </summary>
    public static string Digest(string stage, string weightsSha256, IEnumerable<KeyValuePair<string, string>> settings, string root, IEnumerable<string> inputFiles)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => sha.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add(stage);
        Add(weightsSha256);
        foreach (var (key, value) in settings) Add($"{key}={value}");
        foreach (string file in inputFiles)
        {
            Add(Path.GetRelativePath(root, file));
            if (!File.Exists(file)) { Add("(missing)"); continue; }
            using var stream = File.OpenRead(file);
            sha.AppendData(SHA256.HashData(stream));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
