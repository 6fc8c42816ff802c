using System.CommandLine;
using System.Text.Json;
using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.IO;
using RelationNeurons.Runs;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// <c>--threads N</c> and <c>--memory SIZE</c>: what one process may use, so that several shards can
/// share one machine. Not settings (no result depends on them), so never part of a shard's digest.
/// </summary>
internal sealed class ProcessResources
{
    public Option<int?> Threads { get; } = new("--threads") { Description = "worker threads of this process (default: all cores); give each of k shards on one machine its share" };
    public Option<string?> Memory { get; } = new("--memory") { Description = $"memory this process may use, for the memory guard (e.g. 16G; default: what the machine or cgroup has left; same as {MemoryGuard.OverrideVariable})" };

    public IEnumerable<Option> All => [Threads, Memory];

    /// <summary>Applies both to this process; returns the thread count (-1: all cores).</summary>
    public int Apply(ParseResult parse)
    {
        if (parse.GetValue(Memory) is { } memory)
        {
            if (MemoryGuard.ParseSize(memory) is null) throw new UserInputException($"--memory '{memory}' is not a size (bytes, or a number with K, M, G or T)");
            Environment.SetEnvironmentVariable(MemoryGuard.OverrideVariable, memory);
        }
        if (parse.GetValue(Threads) is not { } threads) return -1;
        if (threads < 1) throw new UserInputException($"--threads must be at least 1, got {threads}");
        KernelOptions.MaxThreads = threads;
        return threads;
    }
}

/// <summary>
/// <c>--shard i/n</c> of the standalone verbs (record, expertise, experiment, perplexity), with the
/// per-process resources: the same shard files, digest checks and merge as <c>run --stage</c>
/// (<see cref="ShardFolder"/>, <see cref="ShardSettings"/>), kept in the verb's output folder. A
/// shard does its share and writes its manifest; the same command without <c>--shard</c> merges once
/// every shard is done, refusing by name a missing shard or one made with other settings.
/// </summary>
internal sealed class ShardArguments(string items)
{
    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = $"do only shard i of n (i/n, from 0) of the {items}; once all n are done, the same command without --shard merges them (docs/scale-out.md)",
    };

    public ProcessResources Resources { get; } = new();

    public IEnumerable<Option> All => [Shard, .. Resources.All];

    public Shard? Parse(ParseResult parse) => parse.GetValue(Shard) is { } s ? RelationNeurons.Shard.Parse(s) : null;

    /// <summary>A setting's value as the digest takes it: an option object as JSON (every field that changes a result).</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, ResultJson.Options);

    /// <summary>
    /// With <paramref name="shard"/>: does its share unless it is done, says so (stderr: stdout may be --json), and returns true.
    /// The digest is asked for only where shards are involved: it may hash a large model's weights.
    /// </summary>
    public static bool RunShard(Shard? shard, ShardFolder folder, Func<string> digest, Func<Shard, ShardShare> share)
    {
        if (shard is not { } s) return false;
        bool ran = folder.RunShard(s, digest(), () => share(s));
        Console.Error.WriteLine(ran
            ? $"{folder.Stage} shard {s}: done; once every shard is, the same command without --shard merges them"
            : $"{folder.Stage} shard {s}: done earlier, nothing to do");
        return true;
    }

    /// <summary>Without --shard: the finished shards when the folder holds any (all n, made with <paramref name="digest"/>, or a user error naming the others), else null.</summary>
    public static IReadOnlyList<ShardManifest>? Finished(ShardFolder folder, Func<string> digest) => folder.Any ? folder.RequireComplete(digest()) : null;
}
