using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RelationNeurons.IO;

namespace RelationNeurons.Analysis;

/// <summary>
/// What the analysis needs to know about one identification prompt. <see cref="FactId"/> and
/// <see cref="Text"/> are carried for people reading the files; scoring uses only the relation and
/// the language.
/// </summary>
public sealed record PromptLabel(string Relation, string Language, string? FactId = null, string? Text = null);

/// <summary>
/// The labels of a record's prompts, in record order (row i of every activation tensor is
/// prompt i). Stored as <c>labels.jsonl</c>: one JSON object per line with
/// <c>index, relation, language, fact_id, text</c>.
/// </summary>
public sealed class PromptLabels
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly PromptLabel[] _labels;

    public PromptLabels(IEnumerable<PromptLabel> labels)
    {
        _labels = labels.ToArray();
        for (int i = 0; i < _labels.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(_labels[i].Relation)) throw new UserInputException($"prompt {i}: empty relation");
            if (string.IsNullOrWhiteSpace(_labels[i].Language)) throw new UserInputException($"prompt {i}: empty language");
        }
    }

    /// <summary>Labels for prompts that all share one language.</summary>
    public static PromptLabels FromRelations(IEnumerable<string> relations, string language = "en") =>
        new(relations.Select(r => new PromptLabel(r, language)));

    public int Count => _labels.Length;
    public PromptLabel this[int index] => _labels[index];
    public IReadOnlyList<PromptLabel> All => _labels;

    public IReadOnlyList<string> Relations => _labels.Select(l => l.Relation).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    public IReadOnlyList<string> Languages => _labels.Select(l => l.Language).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private sealed record Line(int Index, string Relation, string Language, string? FactId, string? Text);

    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        for (int i = 0; i < _labels.Length; i++)
        {
            var l = _labels[i];
            writer.Write(JsonSerializer.Serialize(new Line(i, l.Relation, l.Language, l.FactId, l.Text), JsonOptions));
            writer.Write('\n');
        }
    });

    /// <summary>Reads labels.jsonl; lines must be in index order 0, 1, 2, ...</summary>
    public static PromptLabels Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: labels file not found");
        var labels = new List<PromptLabel>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(raw)) continue;
            Line? line;
            try { line = JsonSerializer.Deserialize<Line>(raw, JsonOptions); }
            catch (JsonException e) { throw new UserInputException($"{path}:{lineNumber}: malformed JSON ({e.Message})"); }
            if (line is null || line.Relation is null || line.Language is null)
                throw new UserInputException($"{path}:{lineNumber}: each line needs 'relation' and 'language'");
            if (line.Index != labels.Count)
                throw new UserInputException($"{path}:{lineNumber}: index {line.Index} out of order (expected {labels.Count})");
            labels.Add(new PromptLabel(line.Relation, line.Language, line.FactId, line.Text));
        }
        try { return new PromptLabels(labels); }
        catch (UserInputException e) { throw new UserInputException($"{path}: {e.Message}"); }
    }
}
