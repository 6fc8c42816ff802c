using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// What a run was (<c>summary.json</c>): the model, the settings, how long each stage took, the
/// software that ran it, and the command that repeats it.
/// </summary>
public sealed record RunSummary(
    ModelFingerprint Model,
    IReadOnlyList<string> Relations,
    IReadOnlyList<string> Languages,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<StageTiming> Timings,
    VersionInfo Versions,
    string ReproduceCommand,
    DateTimeOffset StartedUtc,
    DateTimeOffset FinishedUtc) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// Identifies the model: its name or path, its <c>config.json</c> as read, and the SHA-256 of its
/// weights (one hex digest; for sharded checkpoints the producer says in <see cref="Files"/> how it
/// was combined from the per-file digests).
/// </summary>
public sealed record ModelFingerprint(
    string Name,
    JsonElement? Config,
    string WeightsSha256,
    IReadOnlyList<FileDigest>? Files);

/// <summary>One weights file: path relative to the model folder, size, SHA-256 hex digest.</summary>
public sealed record FileDigest(string Path, long Bytes, string Sha256);

/// <summary>Wall-clock seconds one stage took.</summary>
public sealed record StageTiming(string Stage, double Seconds);

/// <summary>The software that produced a run.</summary>
public sealed record VersionInfo(string Tool, string Runtime, string Os)
{
    /// <summary>The versions of the running process.</summary>
    public static VersionInfo Current()
    {
        var asm = typeof(VersionInfo).Assembly;
        string tool = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? asm.GetName().Version?.ToString() ?? "unknown";
        return new VersionInfo($"relneurons {tool}", RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }
}
