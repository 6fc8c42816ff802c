namespace RelationNeurons.Experiments.Pipeline;

/// <summary>
/// The analysis stages of <c>run</c> (record → expertise → select), which write
/// <see cref="RunLayout.NeuronSets"/>. They call the Analysis library; until it offers all
/// three, the list holds the ones it offers and a run expects the neuron sets to be present.
/// </summary>
public static class AnalysisStages
{
    public static IReadOnlyList<IRunStage> Create(RunOptions options) => [];
}
