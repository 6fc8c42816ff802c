using System.Text.Json;
using System.Text.Json.Serialization;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Analysis;

/// <summary>One task's files in an expertise folder.</summary>
public sealed record ExpertiseTaskEntry
{
    public required string Name { get; init; }
    public required string Relation { get; init; }
    public string? Language { get; init; }
    public required int Positives { get; init; }
    public required int Negatives { get; init; }
    /// <summary>With sampled negatives: the record rows (prompt indices, 0-based, as in labels.jsonl) of the positives and of the sampled negatives, so AP can be recomputed elsewhere.</summary>
    public IReadOnlyList<int>? PositivePrompts { get; init; }
    public IReadOnlyList<int>? NegativePrompts { get; init; }
    /// <summary>Set when fewer negatives were available than the protocol asks for (all were taken).</summary>
    public string? NegativesNote { get; init; }
    /// <summary>The safetensors file with <c>ap.&lt;tap&gt;</c>, <c>median_pos.&lt;tap&gt;</c>, <c>median_neg.&lt;tap&gt;</c>.</summary>
    public required string File { get; init; }
    public string? TopCsv { get; init; }
    /// <summary>The unit with the highest AP (ties: first in unit order).</summary>
    public string? BestUnit { get; init; }
    public double BestAp { get; init; }
}

/// <summary>
/// <c>expertise.json</c>: the tasks scored, the unit space they were scored over, and where each
/// task's tensors are. See docs/formats.md, "Expertise files".
/// </summary>
public sealed record ExpertiseManifest
{
    public const string FileName = "expertise.json";
    public const string FormatName = "relneurons-expertise";

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public string? Record { get; init; }
    public string? Model { get; init; }
    public string Units { get; init; } = ProtocolNames.Of(UnitSet.All);
    public required IReadOnlyList<string> Taps { get; init; }
    public required IReadOnlyList<int> Widths { get; init; }
    public required int Layers { get; init; }
    public required long TotalUnits { get; init; }
    public required int Prompts { get; init; }
    public required NegativeScope Scope { get; init; }
    /// <summary>"4x" (N × positives, sampled) or "all".</summary>
    public string Negatives { get; init; } = "all";
    public ulong NegativeSeed { get; init; }
    public Pooling Pooling { get; init; }
    public required IReadOnlyList<ExpertiseTaskEntry> Tasks { get; init; }

    public UnitSpace UnitSpace() => new(Layers, Taps.Select((t, k) => new TapWidth(UnitSets.ParseSuffix(t), Widths[k])).ToList());

    public void Save(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, RecordManifest.JsonOptions) + "\n");

    public static ExpertiseManifest Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new UserInputException($"{path}: not found; is {directory} an expertise folder (made by `relneurons expertise`)?");
        ExpertiseManifest? m;
        try { m = JsonSerializer.Deserialize<ExpertiseManifest>(File.ReadAllText(path), RecordManifest.JsonOptions); }
        catch (JsonException e) { throw new UserInputException($"{path}: malformed expertise manifest ({e.Message})"); }
        if (m is null || m.Format != FormatName) throw new UserInputException($"{path}: not a relneurons expertise manifest");
        if (m.Version != 1) throw new UserInputException($"{path}: expertise version {m.Version} is not supported (expected 1)");
        if (m.Taps.Count != m.Widths.Count) throw new UserInputException($"{path}: {m.Taps.Count} taps but {m.Widths.Count} widths");
        return m;
    }

    /// <summary>Tensor names inside a task file.</summary>
    public static string ApTensor(TapWidth tap) => $"ap.{tap.Suffix}";
    public static string MedianPositiveTensor(TapWidth tap) => $"median_pos.{tap.Suffix}";
    public static string MedianNegativeTensor(TapWidth tap) => $"median_neg.{tap.Suffix}";

    /// <summary>A file stem from a task name: anything outside [A-Za-z0-9._-] becomes '_'.</summary>
    public static string FileStem(string taskName)
    {
        var chars = taskName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray();
        string stem = new(chars);
        return stem.Trim('.').Length == 0 ? "_" + stem : stem;
    }
}
