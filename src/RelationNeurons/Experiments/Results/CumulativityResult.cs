using RelationNeurons.IO;
namespace RelationNeurons.Experiments.Results;

/// <summary>Cumulativity experiment (<c>cumulativity.json</c>): one curve per (relation, language).</summary>
public sealed record CumulativityResult(IReadOnlyList<CumulativityCurve> Curves) : IVersionedResult
{
    /// <summary>The paper's Table 3: per range of consecutive sweep points, macro and micro cumulativity over the curves.</summary>
    public IReadOnlyList<CumulativityRangeSummary>? Ranges { get; init; }

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
    IReadOnlyList<CumulativityPoint> Points)
{
    /// <summary>The cumulativity check (Fig 6) for each pair of consecutive points after the clean one.</summary>
    public IReadOnlyList<CumulativityCheck>? Checks { get; init; }
}

/// <summary>
/// The paper's cumulativity check (§5.1, Fig 6, Table 3) for the range (<see cref="From"/>,
/// <see cref="To"/>] of a relation's ranking: <see cref="Total"/> prompts are right with the first
/// <c>From</c> units off and wrong with the first <c>To</c> off; with only the units ranked
/// From+1 … To off, <see cref="Affected"/> of them are wrong too. Cumulativity = 1 − Affected / Total
/// (null when Total is 0): 1 means the larger set's extra damage needs the smaller set as well.
/// </summary>
public sealed record CumulativityCheck(int From, int To, int Total, int Affected, double? Cumulativity);

/// <summary>Table 3's row for one range: the mean of the relations' cumulativity (macro) and 1 − ΣAffected / ΣTotal (micro).</summary>
public sealed record CumulativityRangeSummary(int From, int To, int Relations, int Total, int Affected, double? Macro, double? Micro);

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
    double? AccuracyRandomCorrectBefore)
{
    /// <summary>With the k sweep: the mean accuracy of the other relations of the language (each relation's accuracy, averaged) with these units off; null otherwise.</summary>
    public double? AccuracyOthers { get; init; }
}
