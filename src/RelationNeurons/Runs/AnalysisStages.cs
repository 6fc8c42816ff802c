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

    private sealed class RecordStage : IRunStage
    {
        public string Name => "record";

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            var layout = context.Layout;
            var prompts = PromptFile.Read(layout.ValidatedPrompts);
            var tokenizer = context.Tokenizer;
            var toRecord = prompts.Select(p => new RecordPrompt(tokenizer.Encode(p.Text, tokenizer.AddBosByDefault),
                new PromptLabel(p.Relation, p.Language, p.FactId, p.Text))).ToList();
            var options = new RecordOptions
            {
                Units = context.Options.Protocol.Units, ModelName = context.Options.Model, PromptsFile = layout.ValidatedPrompts,
                StreamLayers = context.Options.StreamLayers,
            };
            Recorder.Record(context.Model, toRecord, layout.Record, options,
                new SyncProgress<RecordProgress>(p => progress.Report(new StageProgress(p.Fraction,
                    p.Layers > 0 ? $"layer {Math.Min(p.LayersDone + 1, p.Layers)}/{p.Layers}, {p.LayerPromptsDone:N0}/{p.Prompts:N0} prompts" : $"{p.PromptsDone:N0}/{p.Prompts:N0} prompts"))),
                cancellationToken);
            return [Relative(context, Path.Combine(layout.Record, RecordManifest.FileName))];
        }
    }

    private sealed class ExpertiseStage : IRunStage
    {
        public string Name => "expertise";

        public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
        {
            var layout = context.Layout;
            var p = context.Options.Protocol;
            var options = new ExpertiseOptions { Negatives = p.Negatives, NegativesPerPositive = p.NegativesPerPositive, Seed = context.Options.Experiments.Seed };
            var manifest = ExpertiseRunner.Run(layout.Record, layout.Expertise, options,
                new SyncProgress<ExpertiseProgress>(e => progress.Report(new StageProgress((double)e.LayersDone / Math.Max(1, e.Layers),
                    $"layer {e.LayersDone}/{e.Layers}"))), cancellationToken);
            foreach (var t in manifest.Tasks.Where(t => t.NegativesNote is not null)) context.Notes.Add($"expertise: {t.NegativesNote}");
            return [Relative(context, Path.Combine(layout.Expertise, ExpertiseManifest.FileName))];
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
