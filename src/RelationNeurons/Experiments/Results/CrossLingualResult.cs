using RelationNeurons.IO;
namespace RelationNeurons.Experiments.Results;

/// <summary>
/// Cross-lingual experiment (<c>crosslingual.json</c>): neurons found in language A (row)
/// deactivated, recall measured in language B (column), both in <see cref="Languages"/> order.
/// <see cref="Mean"/> averages the per-relation matrices (its relation is <c>"mean"</c>).
/// </summary>
public sealed record CrossLingualResult(
    IReadOnlyList<string> Languages,
    IReadOnlyList<CrossLingualMatrix> PerRelation,
    CrossLingualMatrix Mean) : IVersionedResult
{
    public const string MeanLabel = "mean";

    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// Drops are clean accuracy in B minus accuracy in B after deactivation (fractions; positive =
/// recall lost). <see cref="RandomDrop"/> uses a layer-matched random set of the same size as the
/// row's set, averaged over seeds.
/// </summary>
public sealed record CrossLingualMatrix(
    string Relation,
    IReadOnlyList<double> AccuracyClean,
    double[][] Drop,
    double[][] RandomDrop);
