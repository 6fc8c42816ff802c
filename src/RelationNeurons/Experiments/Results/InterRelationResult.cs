using RelationNeurons.IO;
namespace RelationNeurons.Experiments.Results;

/// <summary>Inter-relation experiment (<c>inter.json</c>): one matrix per language.</summary>
public sealed record InterRelationResult(IReadOnlyList<InterRelationMatrix> Matrices) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// Rows: the relation whose neurons were deactivated; columns: the relation tested, both in
/// <see cref="Relations"/> order. Changes are accuracy after minus accuracy clean (fractions), so a
/// negative cell is a drop and a positive off-diagonal cell is interference.
/// <see cref="AccuracyChangeCorrectBefore"/> counts only facts the clean model recalled (it can only
/// fall); a column without such facts holds 0.
/// Random matrices average over <see cref="RandomSeeds"/>, each a random set the size of the row
/// relation's set. <see cref="RelativeDrop"/> is the paper's heat-map value (§4.2.2, Fig 4):
/// (acc_clean − acc_deactivated) / acc_clean of the column relation, negative for interference;
/// null where the clean accuracy is 0.
/// </summary>
public sealed record InterRelationMatrix(
    string Language,
    IReadOnlyList<string> Relations,
    IReadOnlyList<long> RandomSeeds,
    IReadOnlyList<int> Counts,
    IReadOnlyList<double> AccuracyClean,
    double[][] AccuracyChange,
    double[][] RandomAccuracyChange,
    double[][] AccuracyChangeCorrectBefore,
    double[][] RandomAccuracyChangeCorrectBefore,
    IReadOnlyList<InterferenceCell> Interference,
    double?[][]? RelativeDrop = null,
    double?[][]? RandomRelativeDrop = null)
{
    /// <summary>Number of off-diagonal cells where accuracy rose.</summary>
    public int InterferenceCount => Interference.Count;
}

/// <summary>An off-diagonal cell where deactivating one relation's neurons raised another's accuracy.</summary>
public sealed record InterferenceCell(
    string Deactivated,
    string Tested,
    double AccuracyChange,
    double RandomAccuracyChange,
    IReadOnlyList<string> FlippedToCorrect,
    int FlippedToWrong);
