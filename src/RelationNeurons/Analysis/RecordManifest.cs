using System.Text.Json;
using System.Text.Json.Serialization;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Analysis;

/// <summary>How a unit's per-token outputs become one value per prompt.</summary>
public enum Pooling
{
    /// <summary>Mean over every token position, BOS included (the reference code's choice).</summary>
    Mean,
    /// <summary>Mean over the positions after BOS (all positions when the prompt has no BOS).</summary>
    MeanExcludingBos,
    Max,
    /// <summary>The value at the prompt's last token.</summary>
    Last,
}

/// <summary>
/// <c>record.json</c>: what a record folder holds. Layer files are
/// <c>layer_000.safetensors</c>, ... each with one tensor per tap, named by its hook
/// (<c>blocks.12.mlp.hook_post</c>), shaped [prompts × width]. See docs/formats.md, "Record files".
/// </summary>
public sealed record RecordManifest
{
    public const string FileName = "record.json";
    public const string FormatName = "relneurons-record";
    public const string LabelsFileName = "labels.jsonl";

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public string? Model { get; init; }
    /// <summary><c>linear</c>, <c>mlp</c>, or <c>custom</c> for records written by other means.</summary>
    public string Units { get; init; } = ProtocolNames.Of(UnitSet.All);
    /// <summary>Tap suffixes in unit order (e.g. <c>attn.hook_q</c>).</summary>
    public required IReadOnlyList<string> Taps { get; init; }
    /// <summary>Units per layer of each tap, in the order of <see cref="Taps"/>.</summary>
    public required IReadOnlyList<int> Widths { get; init; }
    public required int Layers { get; init; }
    public required int Prompts { get; init; }
    public Pooling Pooling { get; init; } = Pooling.Mean;
    /// <summary>Storage type of the activation tensors: F32, F16 or BF16.</summary>
    public string Dtype { get; init; } = "F32";
    /// <summary>Arithmetic of the matrix products when not float32 ("bf16"); absent for float32, so float32 records are unchanged.</summary>
    public string? Compute { get; init; }
    public string Labels { get; init; } = LabelsFileName;
    /// <summary>Hash of the settings and prompts that made the record; lets `record` tell a finished run of the same job from another.</summary>
    public string? Fingerprint { get; init; }
    /// <summary>Where the prompts came from, for people reading the file.</summary>
    public string? PromptsFile { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string LayerFileName(int layer) => $"layer_{layer:D3}.safetensors";

    public UnitSpace UnitSpace() => new(Layers, Taps.Select((t, k) => new TapWidth(UnitSets.ParseSuffix(t), Widths[k])).ToList());

    public void Save(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions) + "\n");

    public static RecordManifest Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new UserInputException($"{path}: not found; is {directory} a record folder (made by `relneurons record`)?");
        RecordManifest? m;
        try { m = JsonSerializer.Deserialize<RecordManifest>(File.ReadAllText(path), JsonOptions); }
        catch (JsonException e) { throw new UserInputException($"{path}: malformed record manifest ({e.Message})"); }
        if (m is null || m.Format != FormatName) throw new UserInputException($"{path}: not a relneurons record manifest");
        if (m.Version != 1) throw new UserInputException($"{path}: record version {m.Version} is not supported (expected 1)");
        if (m.Taps.Count != m.Widths.Count) throw new UserInputException($"{path}: {m.Taps.Count} taps but {m.Widths.Count} widths");
        if (m.Prompts <= 0) throw new UserInputException($"{path}: a record needs prompts, got {m.Prompts}");
        if (m.Dtype is not ("F32" or "F16" or "BF16")) throw new UserInputException($"{path}: dtype '{m.Dtype}' is not F32, F16 or BF16");
        try { m.UnitSpace(); }
        catch (UserInputException e) { throw new UserInputException($"{path}: {e.Message}"); }
        return m;
    }
}
