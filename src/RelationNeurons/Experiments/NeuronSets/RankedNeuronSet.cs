using RelationNeurons.Hooks;

namespace RelationNeurons.Experiments.NeuronSets;

/// <summary>
/// The selected units of one relation, found with the identification prompts of one language,
/// in rank order (most expert first, as the selection wrote them): cumulativity deactivates
/// growing prefixes of this list. <see cref="MedianOnPositives"/>, when known, holds each unit's
/// median response on the relation's positives (for the <c>on_p50</c> intervention).
/// </summary>
public sealed record RankedNeuronSet(
    string Relation,
    string Language,
    IReadOnlyList<NeuronId> Neurons,
    IReadOnlyList<float>? MedianOnPositives = null)
{
    public int Count => Neurons.Count;
}

/// <summary>All neuron sets of a run, with the name of the selection that produced them.</summary>
public sealed class NeuronSetCollection
{
    private readonly Dictionary<(string Relation, string Language), RankedNeuronSet> _byKey = new();

    public NeuronSetCollection(IEnumerable<RankedNeuronSet> sets, string selection = "top", IReadOnlyList<TapKind>? taps = null)
    {
        Selection = selection;
        var list = new List<RankedNeuronSet>();
        foreach (var s in sets)
        {
            if (s.MedianOnPositives is not null && s.MedianOnPositives.Count != s.Neurons.Count)
                throw new UserInputException($"neuron set of '{s.Relation}' ({s.Language}): {s.Neurons.Count} neurons but {s.MedianOnPositives.Count} medians");
            if (s.Neurons.Distinct().Count() != s.Neurons.Count)
                throw new UserInputException($"neuron set of '{s.Relation}' ({s.Language}) lists a neuron twice");
            if (!_byKey.TryAdd((s.Relation, s.Language), s))
                throw new UserInputException($"two neuron sets for '{s.Relation}' in language '{s.Language}'");
            list.Add(s);
        }
        Sets = list;
        // A file that does not name its unit set is taken to hold the taps its neurons use.
        Taps = taps ?? list.SelectMany(l => l.Neurons).Select(n => n.Hook.Kind).Distinct().Order().ToArray();
    }

    /// <summary>The taps of the unit set the sets were selected from (what a uniform random baseline draws over).</summary>
    public IReadOnlyList<TapKind> Taps { get; }

    /// <summary>The selection's name (e.g. <c>top</c>, <c>both</c>), used in condition labels.</summary>
    public string Selection { get; }
    public IReadOnlyList<RankedNeuronSet> Sets { get; }

    /// <summary>Languages that have at least one set, sorted.</summary>
    public IReadOnlyList<string> Languages => Sets.Select(s => s.Language).Distinct().Order(StringComparer.Ordinal).ToArray();

    public RankedNeuronSet? Find(string relation, string language) => _byKey.GetValueOrDefault((relation, language));

    public RankedNeuronSet Get(string relation, string language) =>
        Find(relation, language) ?? throw new UserInputException($"no neuron set for relation '{relation}' in language '{language}'");

    public IReadOnlyList<RankedNeuronSet> InLanguage(string language) => Sets.Where(s => s.Language == language).ToArray();
}
