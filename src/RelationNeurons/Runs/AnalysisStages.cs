using RelationNeurons.Analysis;
using RelationNeurons.Data;

namespace RelationNeurons.Runs;

/// <summary>
/// The analysis stages of <c>run</c>: record (pooled responses of every unit on the
/// identification prompts), expertise (average precision per relation and language) and select
/// (the neuron sets, <see cref="RunLayout.NeuronSets"/>), through the Analysis library.
/// </summary>
public static class AnalysisStages
{
    public static IReadOnlyList<IRunStage> Create(RunOptions options) => [new RecordStage(), new ExpertiseStage(), new SelectStage()];

    private static string Relative(RunContext c, string path) => Path.GetRelativePath(c.Layout.Root, path);

    /// <summary>
    /// Sharded by batches of prompts: a shard writes the record's chunk files of its contiguous
    /// range (<see cref="Recorder.RecordShard"/>); the merge is the unsharded stage, which finds
    /// every chunk on disk and only assembles the layer files.
    /// </summary>
    private sealed class RecordStage : IShardedStage
    {
        public string Name => "record";

        public IReadOnlyList<string> Inputs(RunLayout layout) => [layout.ValidatedPrompts];

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            Recorder.Record(context.Model, Prompts(context), context.Layout.Record, Options(context), Progress(progress), cancellationToken);
            return [Relative(context, Path.Combine(context.Layout.Record, RecordManifest.FileName))];
        }

        public ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            var (first, count, total) = Recorder.RecordShard(context.Model, Prompts(context), context.Layout.Record, shard, Options(context), Progress(progress), cancellationToken);
            return new ShardShare(first, count, total);
        }

        public IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
            Run(context, progress, cancellationToken);

        private static List<RecordPrompt> Prompts(RunContext context)
        {
            var tokenizer = context.Tokenizer;
            return PromptFile.Read(context.Layout.ValidatedPrompts).Select(p => new RecordPrompt(tokenizer.Encode(p.Text, tokenizer.AddBosByDefault),
                new PromptLabel(p.Relation, p.Language, p.FactId, p.Text))).ToList();
        }

        private static RecordOptions Options(RunContext context) => new()
        {
            Units = context.Options.Protocol.Units, ModelName = context.Options.Model, PromptsFile = context.Layout.ValidatedPrompts,
            StreamLayers = context.Options.StreamLayers,
        };

        private static SyncProgress<RecordProgress> Progress(IProgress<StageProgress> progress) =>
            new(p => progress.Report(new StageProgress(p.Fraction,
                p.Layers > 0 ? $"layer {Math.Min(p.LayersDone + 1, p.Layers)}/{p.Layers}, {p.LayerPromptsDone:N0}/{p.Prompts:N0} prompts" : $"{p.PromptsDone:N0}/{p.Prompts:N0} prompts")));
    }

    /// <summary>
    /// Sharded by layers: a shard scores its contiguous range of layers and saves those rows
    /// (<c>shards/expertise/shard-i-of-n.safetensors</c>); the merge lays them together and writes
    /// the expertise folder as the unsharded stage does (<see cref="ExpertiseRunner.Merge"/>).
    /// </summary>
    private sealed class ExpertiseStage : IShardedStage
    {
        public string Name => "expertise";

        public IReadOnlyList<string> Inputs(RunLayout layout) => [Path.Combine(layout.Record, RecordManifest.FileName)];

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
            Finish(context, ExpertiseRunner.Run(context.Layout.Record, context.Layout.Expertise, Options(context), Progress(progress), cancellationToken));

        public ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
            ExpertiseShards.Run(context.Layout.Record, folder, shard, Options(context), Progress(progress), cancellationToken);

        public IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken) =>
            Finish(context, ExpertiseShards.Merge(context.Layout.Record, context.Layout.Expertise, folder, shards, Options(context)));

        private static ExpertiseOptions Options(RunContext context)
        {
            var p = context.Options.Protocol;
            return new ExpertiseOptions { Negatives = p.Negatives, NegativesPerPositive = p.NegativesPerPositive, Seed = context.Options.Experiments.Seed, MaxThreads = context.Options.MaxThreads };
        }

        private static SyncProgress<ExpertiseProgress> Progress(IProgress<StageProgress> progress) =>
            new(e => progress.Report(new StageProgress((double)e.LayersDone / Math.Max(1, e.Layers), $"layer {e.LayersDone}/{e.Layers}")));

        private static IReadOnlyList<string> Finish(RunContext context, ExpertiseManifest manifest)
        {
            foreach (var t in manifest.Tasks.Where(t => t.NegativesNote is not null)) context.Notes.Add($"expertise: {t.NegativesNote}");
            return [Relative(context, Path.Combine(context.Layout.Expertise, ExpertiseManifest.FileName))];
        }
    }

    private sealed class SelectStage : IRunStage
    {
        public string Name => "select";

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            var o = context.Options;
            var p = o.Protocol;
            var sets = NeuronSelector.SelectFromFolder(context.Layout.Expertise, new SelectionOptions
            {
                Mode = p.Mode, Count = p.Count, Fraction = p.Fraction, RandomSeeds = p.RandomSeeds, Random = p.Random, Seed = o.Experiments.Seed,
            });
            Directory.CreateDirectory(context.Layout.Selection);
            sets.Save(context.Layout.NeuronSets);
            progress.Report(new StageProgress(1, $"N = {sets.Count:N0} of {sets.TotalUnits:N0} units"));
            return [Relative(context, context.Layout.NeuronSets)];
        }
    }
}

/// <summary>
/// The expertise shards and their merge, for <c>run</c>'s expertise stage and the standalone
/// <c>expertise</c> verb alike: a shard scores its contiguous range of layers and saves those rows
/// (<c>shard-i-of-n.safetensors</c> beside its manifest); the merge lays them together and writes
/// the expertise folder as one process does (<see cref="ExpertiseRunner.Merge"/>).
/// </summary>
public static class ExpertiseShards
{
    private const string PartSuffix = ".safetensors";

    public static ShardShare Run(string recordDirectory, ShardFolder folder, Shard shard, ExpertiseOptions options,
        IProgress<ExpertiseProgress>? progress, CancellationToken cancellationToken)
    {
        var (first, count, total) = ExpertiseRunner.RunShard(recordDirectory, folder.DataPath(shard, PartSuffix), shard, options, progress, cancellationToken);
        return new ShardShare(first, count, total);
    }

    public static ExpertiseManifest Merge(string recordDirectory, string outputDirectory, ShardFolder folder, IReadOnlyList<ShardManifest> shards, ExpertiseOptions options) =>
        ExpertiseRunner.Merge(recordDirectory, outputDirectory, shards.Select(s => (folder.DataPath(s.Shard, PartSuffix), s.First, s.Items)).ToList(), options);
}
