using RelationNeurons.Data;

namespace RelationNeurons.Runs;

/// <summary>Splits the relation set into identification and test prompts (<c>prompts/</c>).</summary>
public sealed class PromptsStage : IRunStage
{
    public string Name => "prompts";

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var o = context.Options;
        var set = RelationReader.Load(o.Relations);
        var sets = PromptSplitter.Split(set, new PromptSplitOptions
        {
            Seed = o.SplitSeed, TestSize = o.TestSize, MaxIdentificationPrompts = o.MaxIdentificationPrompts,
            Languages = o.Languages, Relations = o.RelationIds,
        });
        PromptFile.WriteSets(context.Layout.Prompts, sets);
        progress.Report(new StageProgress(1, $"{sets.Identification.Count} identification, {sets.Test.Count} test prompts"));
        return [Path.GetRelativePath(context.Layout.Root, context.Layout.IdentificationPrompts), Path.GetRelativePath(context.Layout.Root, context.Layout.TestPrompts)];
    }
}
