namespace RelationNeurons.Runs;

/// <summary>The stages of <c>run</c>, in order.</summary>
public static class RunStages
{
    /// <summary>
    /// prompts → validation → (record → expertise → select: the analysis stages, passed in) → experiments → report.
    /// The experiments stage reads the selection's neuron sets from <see cref="RunLayout.NeuronSets"/>.
    /// </summary>
    public static IReadOnlyList<IRunStage> Create(IEnumerable<IRunStage> analysisStages) =>
        [new PromptsStage(), new ValidationStage(), .. analysisStages, new ExperimentsStage(), new ReportStage()];
}
