using System.Diagnostics;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Runs;

/// <summary>What happened to one stage in this invocation.</summary>
public sealed record StageOutcome(string Stage, bool Skipped, double Seconds, IReadOnlyList<string> Outputs);

/// <summary>The result of <see cref="RunPipeline.Run"/>.</summary>
public sealed record RunOutcome(RunLayout Layout, RunManifest Manifest, IReadOnlyList<StageOutcome> Stages, IReadOnlyList<string> Notes);

/// <summary>Sees a run's stages start, progress and end (the CLI draws them).</summary>
public interface IRunObserver
{
    void StageStarted(int index, int count, string stage);
    void StageProgress(string stage, StageProgress progress);
    void StageFinished(string stage, bool skipped, double seconds);
}

/// <summary>
/// Chains stages over one run folder, resumably: <c>run.json</c> records the settings, the model's
/// digest and each finished stage. Started again with the same settings and model, finished stages
/// whose outputs still exist are skipped; a stage after one that ran is always redone. Other
/// settings or another model are refused unless forced, which starts the folder's run afresh.
/// </summary>
public sealed class RunPipeline(IReadOnlyList<IRunStage> stages)
{
    public IReadOnlyList<IRunStage> Stages { get; } = stages;

    public RunOutcome Run(RunOptions options, ModelFingerprint fingerprint, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var layout = new RunLayout(options.OutFolder);
        var (first, last) = StageRange(options);
        var manifest = OpenManifest(options, layout, fingerprint);

        using var context = new RunContext(options, layout, fingerprint);
        var outcomes = new List<StageOutcome>();
        RequireFinished(manifest, layout, first);
        if (options.Shard is { } shard)
        {
            outcomes.Add(RunShard(context, manifest, first, shard, observer, cancellationToken));
            return new RunOutcome(layout, manifest, outcomes, context.Notes);
        }
        bool redo = false;
        for (int i = first; i <= last; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stage = Stages[i];
            observer?.StageStarted(i, Stages.Count, stage.Name);
            var done = manifest.Find(stage.Name);
            var shards = new ShardFolder(layout, stage.Name);
            if (!redo && IsFinished(done, layout))
            {
                shards.Remove();   // left by a merge killed after it recorded the stage
                outcomes.Add(new StageOutcome(stage.Name, true, done!.Seconds, done.Outputs));
                observer?.StageFinished(stage.Name, true, done.Seconds);
                continue;
            }
            redo = true;
            var watch = Stopwatch.StartNew();
            var progress = new Progress(observer, stage.Name);
            IReadOnlyList<string> outputs;
            if (stage is IShardedStage sharded && (options.MergeOnly || shards.Any))
            {
                // Shards were run for this stage: merge them (refusing, by name, a missing one or one made otherwise), never redo their work here.
                var complete = shards.RequireComplete(ShardSettings.Digest(context, stage.Name, sharded.Inputs(layout)));
                IO.StaleTempFiles.Remove(layout.Root);
                outputs = sharded.Merge(context, complete, shards, progress, cancellationToken);
            }
            else
            {
                // A run killed mid-write leaves AtomicFile temporaries; clear those of dead processes before writing anew.
                IO.StaleTempFiles.Remove(layout.Root);
                outputs = stage.Run(context, progress, cancellationToken);
            }
            double seconds = watch.Elapsed.TotalSeconds;
            // The later stages were made from this stage's former outputs: they are redone.
            manifest = manifest.WithStage(new StageRecord(stage.Name, DateTimeOffset.UtcNow, seconds, outputs) { KernelPlan = Inference.Kernels.KernelCalibration.Describe() }).WithoutStagesAfter(Stages.Take(i + 1).Select(s => s.Name));
            manifest.Save(layout.Manifest);
            shards.Remove();
            outcomes.Add(new StageOutcome(stage.Name, false, seconds, outputs));
            observer?.StageFinished(stage.Name, false, seconds);
        }
        return new RunOutcome(layout, manifest, outcomes, context.Notes);
    }

    /// <summary>
    /// One shard's share of one stage. It reads run.json and never writes it (shards run at the
    /// same time on other machines), nor deletes temporaries (a process id means nothing across
    /// machines); the merge does both. A shard already finished with the same digest is skipped.
    /// </summary>
    private StageOutcome RunShard(RunContext context, RunManifest manifest, int index, Shard shard, IRunObserver? observer, CancellationToken cancellationToken)
    {
        var stage = Stages[index];
        observer?.StageStarted(index, Stages.Count, stage.Name);
        if (stage is not IShardedStage sharded)
            throw new UserInputException($"stage {stage.Name} is not sharded; the sharded stages are {string.Join(", ", Stages.OfType<IShardedStage>().Select(s => s.Name))}");
        if (IsFinished(manifest.Find(stage.Name), context.Layout))
        {
            observer?.StageFinished(stage.Name, true, 0);
            return new StageOutcome(stage.Name, true, 0, []);
        }
        var folder = new ShardFolder(context.Layout, stage.Name);
        string digest = ShardSettings.Digest(context, stage.Name, sharded.Inputs(context.Layout));
        string manifestPath = Path.GetRelativePath(context.Layout.Root, folder.ManifestPath(shard));
        var watch = Stopwatch.StartNew();
        bool ran = folder.RunShard(shard, digest, () => sharded.RunShard(context, shard, folder, new Progress(observer, stage.Name), cancellationToken));
        double seconds = ran ? watch.Elapsed.TotalSeconds : 0;
        observer?.StageFinished(stage.Name, !ran, seconds);
        return new StageOutcome(stage.Name, !ran, seconds, [manifestPath]);
    }

    /// <summary>The stages this invocation covers: all, or the one <see cref="RunOptions.Stage"/> names.</summary>
    private (int First, int Last) StageRange(RunOptions options)
    {
        if (options.Stage is null)
        {
            if (options.Shard is not null || options.MergeOnly) throw new UserInputException("a shard or a merge is of one stage: name it (--stage, or `relneurons merge STAGE`)");
            return (0, Stages.Count - 1);
        }
        int index = Stages.Select(s => s.Name).ToList().IndexOf(options.Stage);
        if (index < 0) throw new UserInputException($"unknown stage '{options.Stage}'; the stages are {string.Join(", ", Stages.Select(s => s.Name))}");
        if (options.MergeOnly && Stages[index] is not IShardedStage)
            throw new UserInputException($"stage {options.Stage} is not sharded, so there is nothing to merge; the sharded stages are {string.Join(", ", Stages.OfType<IShardedStage>().Select(s => s.Name))}");
        return (index, index);
    }

    /// <summary>
    /// run.json, checked against these settings and this model. A shard only reads it: the folder
    /// must have been started (its first stage run) by one process before shards are sent out.
    /// </summary>
    private static RunManifest OpenManifest(RunOptions options, RunLayout layout, ModelFingerprint fingerprint)
    {
        var settings = options.Settings();
        var manifest = RunManifest.TryLoad(layout.Manifest);
        if (manifest is not null)
        {
            var diffs = RunManifest.Differences(RunManifest.Upgrade(manifest.Options), settings).ToList();
            if (manifest.Model.WeightsSha256 != fingerprint.WeightsSha256)
                diffs.Insert(0, $"model: {manifest.Model.Name} ({manifest.Model.WeightsSha256[..12]}) → {fingerprint.Name} ({fingerprint.WeightsSha256[..12]})");
            if (diffs.Count > 0)
            {
                if (!options.Force && RunManifest.IsLegacy(manifest.Options))
                    throw new UserInputException($"{layout.Root} holds a run made under the old defaults (the Kojima et al. protocol, before the " +
                        $"paper's became the default; differences: {string.Join("; ", diffs)}); resume it with --protocol kojima, " +
                        "or start afresh with another --out or --force");
                if (!options.Force || options.Shard is not null)
                    throw new UserInputException($"{layout.Root} holds a run with other settings ({string.Join("; ", diffs)}); " +
                        "choose another --out, or pass --force to redo every stage there");
                manifest = null;
            }
        }
        if (options.Shard is not null)
            return manifest ?? throw new UserInputException($"{layout.Manifest}: not found; a shard joins a started run: run its first stage once " +
                "(`relneurons run --stage prompts` with the same options), then the shards");
        manifest ??= new RunManifest(settings, fingerprint, DateTimeOffset.UtcNow, []);
        Directory.CreateDirectory(layout.Root);
        manifest.Save(layout.Manifest);
        return manifest;
    }

    private static bool IsFinished(StageRecord? done, RunLayout layout) =>
        done is not null && done.Outputs.All(o => Path.Exists(Path.Combine(layout.Root, o)));

    /// <summary>A single stage needs every stage before it finished.</summary>
    private void RequireFinished(RunManifest manifest, RunLayout layout, int first)
    {
        var missing = Stages.Take(first).Where(s => !IsFinished(manifest.Find(s.Name), layout)).Select(s => s.Name).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"stage {Stages[first].Name} needs {string.Join(", ", missing)} finished first in {layout.Root} " +
                $"(`relneurons run --stage {missing[0]}`, or merge its shards)");
    }

    /// <summary>Forwards a stage's progress synchronously (System.Progress would post to the thread pool).</summary>
    private sealed class Progress(IRunObserver? observer, string stage) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => observer?.StageProgress(stage, value);
    }
}
