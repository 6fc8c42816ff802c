namespace RelationNeurons.Experiments.Results;

/// <summary>Cumulativity experiment (<c>cumulativity.json</c>): one curve per (relation, language).</summary>
public sealed record CumulativityResult(IReadOnlyList<CumulativityCurve> Curves) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// Accuracy on a relation as a growing prefix of its ranked neurons is deactivated, beside a
/// layer-matched random set of the same size. <see cref="RankedNeurons"/> is the full set size
/// (share 1.0).
/// </summary>
public sealed record CumulativityCurve(
    string Relation,
    string Language,
    int RankedNeurons,
    IReadOnlyList<CumulativityPoint> Points);

/// <summary>
/// One point: <see cref="Share"/> of the ranked set (0 = clean model), <see cref="NeuronCount"/>
/// neurons deactivated; accuracies are fractions, random ones averaged over seeds; the
/// correct-before accuracies are null when the clean model recalled no fact.
/// </summary>
public sealed record CumulativityPoint(
    double Share,
    int NeuronCount,
    double Accuracy,
    double AccuracyRandom,
    double? AccuracyCorrectBefore,
    double? AccuracyRandomCorrectBefore);
