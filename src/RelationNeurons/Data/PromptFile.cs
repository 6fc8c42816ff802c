using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RelationNeurons.IO;

namespace RelationNeurons.Data;

/// <summary>
/// Prompt files: JSON Lines, one <see cref="Prompt"/> per line with snake_case keys (see
/// docs/formats.md, "Prompt files"). A split is a folder with <c>identification.jsonl</c> and
/// <c>test.jsonl</c>. Files are written atomically.
/// </summary>
public static class PromptFile
{
    public const string IdentificationFileName = "identification.jsonl";
    public const string TestFileName = "test.jsonl";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep non-ASCII text readable in the file; JSON stays valid UTF-8 either way.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes both files of a split into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Identification, string Test) WriteSets(string directory, PromptSets sets)
    {
        string ident = Path.Combine(directory, IdentificationFileName);
        string test = Path.Combine(directory, TestFileName);
        Write(ident, sets.Identification);
        Write(test, sets.Test);
        return (ident, test);
    }

    /// <summary>Reads both files of a split from <paramref name="directory"/>.</summary>
    public static PromptSets ReadSets(string directory)
    {
        if (!Directory.Exists(directory)) throw new UserInputException($"{directory}: no such prompt folder");
        return new PromptSets(
            Read(Path.Combine(directory, IdentificationFileName)),
            Read(Path.Combine(directory, TestFileName)));
    }

    public static void Write(string path, IEnumerable<Prompt> prompts) =>
        AtomicFile.Write(path, stream =>
        {
            var newline = "\n"u8.ToArray();
            using var writer = new Utf8JsonWriter(stream, WriterOptions);
            foreach (var p in prompts)
            {
                WritePrompt(writer, p);
                writer.Flush();
                writer.Reset();
                stream.Write(newline);
            }
        });

    public static string ToJsonLine(Prompt prompt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) WritePrompt(writer, prompt);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WritePrompt(Utf8JsonWriter w, Prompt p)
    {
        w.WriteStartObject();
        w.WriteString("relation", p.Relation);
        w.WriteString("language", p.Language);
        w.WriteString("fact_id", p.FactId);
        w.WriteNumber("template_index", p.TemplateIndex);
        w.WriteString("template", p.Template);
        w.WriteString("subject", p.Subject);
        w.WriteString("object", p.Object);
        w.WriteString("text", p.Text);
        w.WriteStartArray("answers");
        foreach (var a in p.Answers) w.WriteStringValue(a);
        w.WriteEndArray();
        w.WriteString("split", p.Split);
        w.WriteEndObject();
    }

    /// <summary>Reads a prompt file; blank lines are skipped. Errors name the file and line.</summary>
    public static IReadOnlyList<Prompt> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: prompt file not found (write it with `relneurons prompts`)");
        var prompts = new List<Prompt>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            prompts.Add(ParseLine(line, $"{path}:{lineNumber}"));
        }
        return prompts;
    }

    public static Prompt ParseLine(string line, string where)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException e)
        { throw new UserInputException($"{where}: malformed JSON at column {(e.BytePositionInLine ?? 0) + 1}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new UserInputException($"{where}: a prompt line must be a JSON object");

            string Str(string name) =>
                root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
                    : throw new UserInputException($"{where}: missing or non-string field '{name}'");

            if (!root.TryGetProperty("template_index", out var ti) || !ti.TryGetInt32(out int templateIndex) || templateIndex < 0)
                throw new UserInputException($"{where}: missing or invalid field 'template_index'");
            if (!root.TryGetProperty("answers", out var aa) || aa.ValueKind != JsonValueKind.Array || aa.GetArrayLength() == 0)
                throw new UserInputException($"{where}: 'answers' must be a non-empty array of strings");
            var answers = new List<string>(aa.GetArrayLength());
            foreach (var a in aa.EnumerateArray())
                answers.Add(a.ValueKind == JsonValueKind.String ? a.GetString()! : throw new UserInputException($"{where}: 'answers' must contain strings only"));

            string split = Str("split");
            if (split is not (PromptSplit.Identification or PromptSplit.Test))
                throw new UserInputException($"{where}: split '{split}' is neither '{PromptSplit.Identification}' nor '{PromptSplit.Test}'");

            return new Prompt
            {
                Relation = Str("relation"),
                Language = Str("language"),
                FactId = Str("fact_id"),
                TemplateIndex = templateIndex,
                Template = Str("template"),
                Subject = Str("subject"),
                Object = root.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : answers[0],
                Text = Str("text"),
                Answers = answers,
                Split = split,
            };
        }
    }
}
