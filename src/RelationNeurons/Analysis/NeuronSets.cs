using System.Text.Json;
using System.Text.Json.Serialization;
using RelationNeurons.Hooks;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Analysis;


/// <summary>A selected unit: where it is, its AP, its medians, and the end of the ranking it came from.</summary>
public sealed record SelectedUnit(int Layer, string Tap, int Index, string Neuron, double Ap, double MedianPos, double MedianNeg, string End)
{
    [JsonIgnore]
    public NeuronId Id => new(new HookPoint(Layer, UnitSets.ParseSuffix(Tap)), Index);
}

/// <summary>A random unit of a baseline set.</summary>
public sealed record RandomUnit(int Layer, string Tap, int Index, string Neuron)
{
    [JsonIgnore]
    public NeuronId Id => new(new HookPoint(Layer, UnitSets.ParseSuffix(Tap)), Index);
}

/// <summary>A random baseline of the selection's size (<see cref="RandomUnitSampler"/>), with the seed it was drawn with.</summary>
public sealed record RandomSet(ulong Seed, IReadOnlyList<RandomUnit> Units);

/// <summary>Units selected for one task, counts per layer and per (tap, layer), and its random baselines.</summary>
public sealed record RelationNeuronSet
{
    public required string Name { get; init; }
    public required string Relation { get; init; }
    public string? Language { get; init; }
    public required IReadOnlyList<SelectedUnit> Units { get; init; }
    /// <summary>Selected units per layer (all taps).</summary>
    public required IReadOnlyList<int> PerLayer { get; init; }
    /// <summary>Selected units per layer, per tap.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<int>> PerTapLayer { get; init; }
    public required IReadOnlyList<RandomSet> Random { get; init; }

    [JsonIgnore]
    public IReadOnlyList<NeuronId> Neurons => Units.Select(u => u.Id).ToList();
}

/// <summary>|U_r ∩ U_r'| and Jaccard for every pair of tasks, in total and per layer.</summary>
public sealed record OverlapMatrices(
    IReadOnlyList<string> Names,
    IReadOnlyList<IReadOnlyList<int>> Count,
    IReadOnlyList<IReadOnlyList<double>> Jaccard,
    IReadOnlyList<IReadOnlyList<IReadOnlyList<int>>> PerLayer);

/// <summary>
/// <c>neuron_sets.json</c>: the selection for every task of an expertise folder. See
/// docs/formats.md, "Neuron sets".
/// </summary>
public sealed record NeuronSets
{
    public const string FormatName = "relneurons-neuron-sets";

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public string? Expertise { get; init; }
    public string? Model { get; init; }
    public required string Units { get; init; }
    public required SelectionMode Mode { get; init; }
    /// <summary>How the random baseline sets were drawn.</summary>
    public RandomBaseline Random { get; init; } = RandomBaseline.LayerMatched;
    /// <summary>N: units per task.</summary>
    public required long Count { get; init; }
    /// <summary>N as a share of <see cref="TotalUnits"/>.</summary>
    public required double Fraction { get; init; }
    public required long TopCount { get; init; }
    public required long BottomCount { get; init; }
    public required long TotalUnits { get; init; }
    public required int Layers { get; init; }
    public required IReadOnlyList<string> Taps { get; init; }
    public required ulong Seed { get; init; }
    public required IReadOnlyList<RelationNeuronSet> Relations { get; init; }
    public required OverlapMatrices Overlap { get; init; }

    public RelationNeuronSet Get(string name) =>
        Relations.FirstOrDefault(r => r.Name == name)
        ?? throw new UserInputException($"unknown relation '{name}'; the neuron sets have: {string.Join(", ", Relations.Select(r => r.Name))}");

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, RecordManifest.JsonOptions) + "\n");

    public static NeuronSets Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: neuron sets file not found");
        NeuronSets? sets;
        try { sets = JsonSerializer.Deserialize<NeuronSets>(File.ReadAllText(path), RecordManifest.JsonOptions); }
        catch (JsonException e) { throw new UserInputException($"{path}: malformed neuron sets ({e.Message})"); }
        if (sets is null || sets.Format != FormatName) throw new UserInputException($"{path}: not a relneurons neuron sets file");
        if (sets.Version != 1) throw new UserInputException($"{path}: neuron sets version {sets.Version} is not supported (expected 1)");
        return sets;
    }
}
