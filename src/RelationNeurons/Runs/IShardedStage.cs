namespace RelationNeurons.Runs;

/// <summary>
/// A heavy stage that can be split into shards run anywhere (other processes, other machines over
/// a shared file system) and merged into exactly the files the unsharded stage writes.
/// A shard writes only files of its own (under <see cref="ShardFolder"/> or files named by its
/// items), never one another shard or the merge writes.
/// </summary>
public interface IShardedStage : IRunStage
{
    /// <summary>The run-folder files the stage reads: their bytes go into the shards' settings digest.</summary>
    IReadOnlyList<string> Inputs(RunLayout layout);

    /// <summary>Does this shard's share, resumably; returns which items it covered.</summary>
    ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken);

    /// <summary>Writes the stage's outputs from its finished shards (in shard order); returns them as <see cref="IRunStage.Run"/> does.</summary>
    IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken);
}
