using RelationNeurons.IO;
namespace RelationNeurons.Experiments.Results;

/// <summary>Neuron-overlap analysis (<c>overlap.json</c>): one matrix per language the sets were found in.</summary>
public sealed record OverlapResult(IReadOnlyList<OverlapMatrix> Matrices) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// Pairwise overlap of relations' neuron sets, in <see cref="Relations"/> order:
/// <see cref="Intersection"/>[i][j] = |U_i ∩ U_j| (the diagonal is the set size) and
/// <see cref="Jaccard"/>[i][j] = |U_i ∩ U_j| / |U_i ∪ U_j|. <see cref="PerLayer"/> counts each
/// relation's neurons in layers 0 .. <see cref="LayerCount"/>-1.
/// </summary>
public sealed record OverlapMatrix(
    string Language,
    IReadOnlyList<string> Relations,
    IReadOnlyList<int> SetSizes,
    int[][] Intersection,
    double[][] Jaccard,
    int LayerCount,
    IReadOnlyList<LayerDistribution> PerLayer);

/// <summary>How many of a relation's neurons sit in each layer (index = layer).</summary>
public sealed record LayerDistribution(string Relation, IReadOnlyList<int> Counts);
