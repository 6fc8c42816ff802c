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
        Directory.CreateDirectory(layout.Root);
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
                if (!options.Force)
                    throw new UserInputException($"{layout.Root} holds a run with other settings ({string.Join("; ", diffs)}); " +
                        "choose another --out, or pass --force to redo every stage there");
                manifest = null;
            }
        }
        manifest ??= new RunManifest(settings, fingerprint, DateTimeOffset.UtcNow, []);
        manifest.Save(layout.Manifest);

        using var context = new RunContext(options, layout, fingerprint);
        var outcomes = new List<StageOutcome>();
        bool redo = false;
        for (int i = 0; i < Stages.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stage = Stages[i];
            observer?.StageStarted(i, Stages.Count, stage.Name);
            var done = manifest.Find(stage.Name);
            if (!redo && done is not null && done.Outputs.All(o => Path.Exists(Path.Combine(layout.Root, o))))
            {
                outcomes.Add(new StageOutcome(stage.Name, true, done.Seconds, done.Outputs));
                observer?.StageFinished(stage.Name, true, done.Seconds);
                continue;
            }
            redo = true;
            // A run killed mid-write leaves AtomicFile temporaries; clear those of dead processes before writing anew.
            IO.StaleTempFiles.Remove(layout.Root);
            var watch = Stopwatch.StartNew();
            var progress = new Progress(observer, stage.Name);
            var outputs = stage.Run(context, progress, cancellationToken);
            double seconds = watch.Elapsed.TotalSeconds;
            manifest = manifest.WithStage(new StageRecord(stage.Name, DateTimeOffset.UtcNow, seconds, outputs));
            manifest.Save(layout.Manifest);
            outcomes.Add(new StageOutcome(stage.Name, false, seconds, outputs));
            observer?.StageFinished(stage.Name, false, seconds);
        }
        return new RunOutcome(layout, manifest, outcomes, context.Notes);
    }

    /// <summary>Forwards a stage's progress synchronously (System.Progress would post to the thread pool).</summary>
    private sealed class Progress(IRunObserver? observer, string stage) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => observer?.StageProgress(stage, value);
    }
}
