namespace RelationNeurons.Runs;

/// <summary>The stages of <c>run</c>, in order.</summary>
public static class RunStages
{
    /// <summary>
    /// prompts → (record → expertise → select: the analysis stages, passed in) → experiments → report.
    /// The experiments stage reads the selection's neuron sets from <see cref="RunLayout.NeuronSets"/>.
    /// </summary>
    public static IReadOnlyList<IRunStage> Create(IEnumerable<IRunStage> analysisStages) =>
        [new PromptsStage(), .. analysisStages, new ExperimentsStage(), new ReportStage()];
}
