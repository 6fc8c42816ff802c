using RelationNeurons.Data;

namespace RelationNeurons.Runs;

/// <summary>
/// Splits the relation set into identification and test prompts (<c>prompts/</c>), and writes
/// beside them what the later experiments read from the set: the P^eva-2 prompts of the
/// relations with alternative templates (Fig 8) and the object sentences (Table 2); either file
/// is empty when the set has none.
/// </summary>
public sealed class PromptsStage : IRunStage
{
    public string Name => "prompts";

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var o = context.Options;
        var set = RelationReader.Load(o.Relations);
        var split = new PromptSplitOptions
        {
            Seed = o.SplitSeed, TestSize = o.TestSize, MaxIdentificationPrompts = o.MaxIdentificationPrompts,
            Languages = o.Languages, Relations = o.RelationIds,
        };
        var sets = PromptSplitter.Split(set, split);
        var layout = context.Layout;
        PromptFile.WriteSets(layout.Prompts, sets);
        var alternative = PromptSplitter.AlternativeTestPrompts(set, split);
        PromptFile.Write(layout.AlternativeTestPrompts, alternative);
        var sentences = ObjectSentenceFile.Of(set.Filter(o.RelationIds, o.Languages));
        ObjectSentenceFile.Write(layout.ObjectSentences, sentences);
        progress.Report(new StageProgress(1, $"{sets.Identification.Count} identification, {sets.Test.Count} test, {alternative.Count} alternative-template prompts, {sentences.Count} object sentences"));
        return new[] { layout.IdentificationPrompts, layout.TestPrompts, layout.AlternativeTestPrompts, layout.ObjectSentences }
            .Select(f => Path.GetRelativePath(layout.Root, f)).ToArray();
    }
}
