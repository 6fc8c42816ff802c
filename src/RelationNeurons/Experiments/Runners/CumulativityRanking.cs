using RelationNeurons.Analysis;
using RelationNeurons.Experiments.NeuronSets;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// A relation's expertise ranking beyond its selected N units: the cumulativity sweep goes from a
/// handful of units to many times N, so it needs the units the selection left out, in the same
/// order the selection would have taken them.
/// </summary>
public interface ICumulativityRanking
{
    /// <summary>Units of the unit space the ranking covers (the sweep's cap is a share of it).</summary>
    long TotalUnits { get; }

    /// <summary>
    /// The first <paramref name="count"/> units of the relation's ranking found in
    /// <paramref name="language"/>, ordered as a selection of that many units in mode
    /// <paramref name="selection"/> would order them (<c>both</c>: top and bottom ends interleaved),
    /// with each unit's median on the relation's positives; null when the ranking lacks the relation.
    /// </summary>
    RankedNeuronSet? Ranked(string relation, string language, string selection, int count);
}

/// <summary>
/// The ranking of an expertise folder (<c>relneurons expertise</c>): every unit sorted by its
/// average precision with <see cref="NeuronSelector.Rank"/>, the order the selection stage uses,
/// so the first N units of a mode's ranking are exactly the selected set. The sweep reads the
/// expertise rather than a longer list written by the selection: the AP of every unit is already
/// on disk, and a list of 16·N units per relation (96,000 for a 7B model) would multiply the size
/// of <c>neuron_sets.json</c>.
/// </summary>
public sealed class ExpertiseRanking(string folder) : ICumulativityRanking
{
    private ExpertiseManifest? _manifest;
    private UnitSpace? _units;

    public string Folder { get; } = Path.GetFullPath(folder);

    private ExpertiseManifest Manifest => _manifest ??= ExpertiseManifest.Load(Folder);
    private UnitSpace Units => _units ??= Manifest.UnitSpace();

    public long TotalUnits => Units.TotalUnits;

    /// <summary>Whether a selection mode orders units by an AP ranking this class can reproduce.</summary>
    public static bool IsRankingMode(string selection) => selection is "both" or "top" or "bottom";

    public RankedNeuronSet? Ranked(string relation, string language, string selection, int count)
    {
        if (!IsRankingMode(selection)) throw new ArgumentException($"selection '{selection}' is not a ranking mode (both, top, bottom)", nameof(selection));
        var entry = Manifest.Tasks.FirstOrDefault(t => t.Relation == relation && t.Language == language);
        if (entry is null) return null;
        var task = NeuronSelector.Load(Folder, entry, Units);
        long[] order = NeuronSelector.Rank(task.Ap);
        count = (int)Math.Clamp(count, 0, order.LongLength);
        int top = selection switch { "top" => count, "bottom" => 0, "both" => count - count / 2, _ => throw new ArgumentException($"selection '{selection}' is not a ranking mode", nameof(selection)) };
        var topUnits = Enumerable.Range(0, top).Select(i => order[i]).ToArray();
        var bottomUnits = Enumerable.Range(0, count - top).Select(i => order[order.LongLength - 1 - i]).ToArray();
        var ranked = NeuronSetLoader.Interleave(topUnits, bottomUnits);
        return new RankedNeuronSet(relation, language,
            ranked.Select(u => { var (k, l, i) = Units.Decode(u); return Units.Neuron(k, l, i); }).ToArray(),
            ranked.Select(u => task.MedianPositive[u]).ToArray());
    }
}
