using RelationNeurons.IO;
namespace RelationNeurons.Experiments.Results;

/// <summary>Cumulativity experiment (<c>cumulativity.json</c>): one curve per (relation, language).</summary>
public sealed record CumulativityResult(IReadOnlyList<CumulativityCurve> Curves) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// Accuracy on a relation as a growing prefix of its expertise ranking is deactivated, beside a
/// layer-matched random set of the same size. <see cref="SetSize"/> is the relation's selected
/// set (N, scale 1); <see cref="RankedUnits"/> the length of the ranking the sweep drew from (N
/// when the ranking beyond the set was not available); <see cref="TotalUnits"/> the units of the
/// model's unit space (null when unknown).
/// </summary>
public sealed record CumulativityCurve(
    string Relation,
    string Language,
    int SetSize,
    int RankedUnits,
    long? TotalUnits,
    IReadOnlyList<CumulativityPoint> Points);

/// <summary>
/// One point: <see cref="NeuronCount"/> units deactivated, <see cref="Scale"/> = that count over
/// the set size N (0 = clean model); accuracies are fractions, random ones averaged over seeds; the
/// correct-before accuracies are null when the clean model recalled no fact.
/// </summary>
public sealed record CumulativityPoint(
    double Scale,
    int NeuronCount,
    double Accuracy,
    double AccuracyRandom,
    double? AccuracyCorrectBefore,
    double? AccuracyRandomCorrectBefore);
