using System.Text.Encodings.Web;
using System.Text.Json;
using RelationNeurons.IO;

namespace RelationNeurons.Data;

/// <summary>An object sentence of one relation in one language (the perplexity check of Table 2).</summary>
public sealed record RelationObjectSentence(string Relation, string Language, string Object, string Text);

/// <summary>
/// <c>prompts/object_sentences.jsonl</c>: the relation set's object sentences, one JSON object per
/// line with <c>relation</c>, <c>language</c>, <c>object</c> and <c>text</c> (so the
/// <c>perplexity</c> verb reads the same file through its <c>text</c> field). Written by the prompts
/// stage so that the experiments read files, not the relation set.
/// </summary>
public static class ObjectSentenceFile
{
    public const string FileName = "object_sentences.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Every object sentence of the set, in the set's order (language, then relation id).</summary>
    public static IReadOnlyList<RelationObjectSentence> Of(RelationSet set) =>
        set.All.SelectMany(r => r.ObjectSentences.Select(s => new RelationObjectSentence(r.Id, r.Language, s.Object, s.Text))).ToList();

    public static void Write(string path, IEnumerable<RelationObjectSentence> sentences) =>
        AtomicFile.WriteAllText(path, string.Concat(sentences.Select(s => JsonSerializer.Serialize(s, Json) + "\n")));

    public static IReadOnlyList<RelationObjectSentence> Read(string path)
    {
        var result = new List<RelationObjectSentence>();
        int number = 0;
        foreach (string line in StrictText.ReadAllText(path).Split('\n'))
        {
            number++;
            if (line.Trim().Length == 0) continue;
            RelationObjectSentence? s;
            try { s = JsonSerializer.Deserialize<RelationObjectSentence>(line, Json); }
            catch (JsonException e) { throw new UserInputException($"{path}: line {number}: malformed JSON ({e.Message})"); }
            if (s is null || s.Relation is null || s.Language is null || s.Object is null || string.IsNullOrWhiteSpace(s.Text))
                throw new UserInputException($"{path}: line {number}: expected an object with string relation, language, object and text");
            result.Add(s);
        }
        return result;
    }
}
