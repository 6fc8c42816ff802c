using System.Text.Json;
using System.Text.Json.Nodes;

namespace RelationNeurons.Data;

/// <summary>
/// Reads relation files: the project's format (see docs/formats.md, "Relation files") and, as
/// they are, the files of the LRE data set (Hernandez et al.), which lack ids, language and
/// answers. A folder is searched recursively for <c>*.json</c>; every file is validated before a
/// set is returned, and all problems are reported together as one <see cref="UserInputException"/>.
/// </summary>
public static class RelationReader
{
    /// <summary>The language of files that do not name one (LRE files are English).</summary>
    public const string DefaultLanguage = "en";

    /// <summary>The most problems listed in one error message.</summary>
    private const int MaxReportedProblems = 20;

    /// <summary>Reads one relation file or every <c>*.json</c> under a folder.</summary>
    public static RelationSet Load(string path)
    {
        string full = Path.GetFullPath(path);
        IReadOnlyList<string> files;
        if (File.Exists(full)) files = [full];
        else if (Directory.Exists(full))
        {
            files = Directory.EnumerateFiles(full, "*.json", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Count == 0) throw new UserInputException($"{path}: no relation files (*.json) in this folder");
        }
        else throw new UserInputException($"{path}: no such relation file or folder");

        var relations = new List<Relation>();
        var problems = new List<string>();
        foreach (string file in files)
        {
            try
            {
                string text;
                try { text = IO.StrictText.ReadAllText(file); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                { throw new UserInputException($"{file}: cannot read ({e.Message})"); }
                relations.Add(Parse(text, file));
            }
            catch (UserInputException e)
            {
                problems.Add(e.Message);
            }
        }

        // Cross-file check: one (id, language) per set.
        var seen = new Dictionary<RelationKey, string>();
        foreach (var r in relations)
        {
            if (seen.TryGetValue(r.Key, out var first))
                problems.Add($"{r.SourcePath}: relation id '{r.Id}' in language '{r.Language}' is already defined by {first}");
            else seen.Add(r.Key, r.SourcePath!);
        }

        // Cross-language check: a split fixed by the files must be the same in every language.
        if (problems.Count == 0)
        {
            var set = new RelationSet(relations) { Source = path };
            foreach (string id in set.RelationIds)
            {
                try { PromptSplitter.FixedTestFacts(id, set.InAllLanguages(id)); }
                catch (UserInputException e) { problems.Add(e.Message); }
            }
        }

        if (problems.Count == 1) throw new UserInputException(problems[0]);
        if (problems.Count > 1)
        {
            var shown = problems.Take(MaxReportedProblems).Select(p => "  " + p);
            string more = problems.Count > MaxReportedProblems ? $"\n  ... and {problems.Count - MaxReportedProblems} more" : "";
            throw new UserInputException($"{problems.Count} problems in relation files:\n{string.Join('\n', shown)}{more}");
        }
        return new RelationSet(relations) { Source = path };
    }

    /// <summary>
    /// Parses one relation file's text. <paramref name="source"/> names the file in messages and,
    /// when the file has neither <c>id</c> nor <c>name</c>, gives the relation id.
    /// </summary>
    public static Relation Parse(string json, string source)
    {
        // JsonNode decodes string escapes only when a value is read: a lone surrogate (\ud800)
        // surfaces there as InvalidOperationException.
        try { return ParseObject(json, source); }
        catch (InvalidOperationException e) { throw new UserInputException($"{source}: holds a string that is not valid text ({e.Message})"); }
    }

    private static Relation ParseObject(string json, string source)
    {
        JsonObject root;
        try
        {
            // Repeated keys would otherwise surface later as an ArgumentException from JsonObject.
            var options = new JsonDocumentOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false };
            root = JsonNode.Parse(json, documentOptions: options) as JsonObject
                   ?? throw new UserInputException($"{source}: top level is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new UserInputException(
                $"{source}: malformed JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}");
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"{source}: not valid text ({e.Message})");
        }

        string? name = OptionalString(root, "name", source);
        string? explicitId = OptionalString(root, "id", source);
        string id;
        if (explicitId is not null)
        {
            if (!IsValidRelationId(explicitId))
                throw new UserInputException($"{source}: relation id '{explicitId}' may contain only letters, digits, '_' and '-'");
            id = explicitId;
        }
        else
        {
            // LRE files have a name and no id: "company CEO" -> "company_ceo".
            id = Slug.From(name ?? Path.GetFileNameWithoutExtension(source));
            if (!IsValidRelationId(id))
                throw new UserInputException($"{source}: no 'id' and no usable 'name' or file name to derive one from");
        }

        string language = (OptionalString(root, "language", source) ?? DefaultLanguage).ToLowerInvariant();
        if (!LanguageCodes.IsKnown(language))
            throw new UserInputException($"{source}: unknown language code '{language}' (expected an ISO 639-1 code such as en, de, fr)");

        string? kind = OptionalString(root, "kind", source);
        if (kind is null && root["properties"] is JsonObject props && props["domain_name"] is JsonValue dv
            && dv.TryGetValue(out string? domain) && !string.IsNullOrWhiteSpace(domain))
            kind = domain; // LRE: the subject's domain plays the role of our kind

        var templates = ReadTemplates(root, source, "prompt_templates", required: true);
        // A file without an id is an LRE file: its prompts end the paper's way unless it says otherwise.
        string suffix = OptionalString(root, "prompt_suffix", source) ?? (explicitId is null ? Relation.PaperSuffix : "");
        var alternative = ReadTemplates(root, source, "alternative_templates", required: false);
        var (samples, rows) = ReadSamples(root, source);
        var sentences = ReadObjectSentences(root, source);
        int sourceSamples = ReadSourceSamples(root, source) ?? rows;

        return new Relation
        {
            Id = id,
            Name = string.IsNullOrWhiteSpace(name) ? id : name,
            Language = language,
            Kind = kind,
            PromptTemplates = templates,
            PromptSuffix = suffix,
            AlternativeTemplates = alternative,
            Samples = samples,
            ObjectSentences = sentences,
            SourceSamples = sourceSamples,
            SourcePath = source,
        };
    }

    /// <summary>The number of <c>{}</c> slots in a template.</summary>
    public static int SlotCount(string template)
    {
        int count = 0;
        for (int i = template.IndexOf("{}", StringComparison.Ordinal); i >= 0; i = template.IndexOf("{}", i + 2, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static bool IsValidRelationId(string id) =>
        id.Length > 0 && id.All(c => char.IsLetterOrDigit(c) || c is '_' or '-');

    private static IReadOnlyList<string> ReadTemplates(JsonObject root, string source, string field, bool required)
    {
        if (root[field] is not JsonArray arr)
        {
            if (!required && root[field] is null) return [];
            throw new UserInputException(root.ContainsKey(field)
                ? $"{source}: '{field}' must be an array of strings"
                : $"{source}: missing '{field}'");
        }
        if (arr.Count == 0) throw new UserInputException($"{source}: '{field}' is empty");
        var templates = new List<string>(arr.Count);
        for (int i = 0; i < arr.Count; i++)
        {
            if (arr[i] is not JsonValue v || !v.TryGetValue(out string? t))
                throw new UserInputException($"{source}: {field}[{i}] is not a string");
            int slots = SlotCount(t);
            if (slots != 1)
                throw new UserInputException($"{source}: {field}[{i}] \"{t}\" has {slots} '{{}}' slots; a template needs exactly one, for the subject");
            templates.Add(t);
        }
        return templates;
    }

    /// <summary>The facts of a file, and the number of sample rows they were read from.</summary>
    private static (IReadOnlyList<RelationSample> Samples, int Rows) ReadSamples(JsonObject root, string source)
    {
        if (root["samples"] is not JsonArray arr)
            throw new UserInputException(root.ContainsKey("samples")
                ? $"{source}: 'samples' must be an array of objects"
                : $"{source}: missing 'samples'");
        if (arr.Count == 0) throw new UserInputException($"{source}: 'samples' is empty; a relation needs facts");

        var samples = new List<RelationSample>(arr.Count);
        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);   // fact id -> index in samples
        var derivedBySubject = new Dictionary<string, int>(StringComparer.Ordinal);
        var explicitByFact = new Dictionary<(string Subject, string Object), int>();
        for (int i = 0; i < arr.Count; i++)
        {
            if (arr[i] is not JsonObject s) throw new UserInputException($"{source}: samples[{i}] is not an object");
            try { ReadSample(s, i); }
            catch (UserInputException e) when (Describe(s) is { Length: > 0 } fact && !e.Message.Contains(fact, StringComparison.Ordinal))
            {
                throw new UserInputException($"{e.Message} (the sample with {fact})");
            }
        }
        return (samples, arr.Count);

        void ReadSample(JsonObject s, int i)
        {
            string where = $"{source}: samples[{i}]";
            string subject = RequiredText(s, "subject", where);
            string obj = RequiredText(s, "object", where);
            var answers = new List<string> { obj };
            if (s["answers"] is { } answersNode)
            {
                if (answersNode is not JsonArray aa) throw new UserInputException($"{where}: 'answers' must be an array of strings");
                for (int k = 0; k < aa.Count; k++)
                {
                    if (aa[k] is not JsonValue av || !av.TryGetValue(out string? a))
                        throw new UserInputException($"{where}: answers[{k}] is not a string");
                    if (string.IsNullOrWhiteSpace(a)) throw new UserInputException($"{where}: answers[{k}] is empty");
                    a = a.Trim();
                    if (!answers.Contains(a, StringComparer.Ordinal)) answers.Add(a);
                }
            }
            string? split = OptionalString(s, "split", where);
            if (split is not (null or PromptSplit.Test or PromptSplit.Identification))
                throw new UserInputException($"{where}: split '{split}' is neither '{PromptSplit.Test}' nor '{PromptSplit.Identification}'");

            string? explicitId = OptionalString(s, "id", where);
            if (explicitId is not null)
            {
                explicitId = explicitId.Trim();
                if (explicitId.Length == 0) throw new UserInputException($"{where}: 'id' is empty");
                if (indexById.TryGetValue(explicitId, out int prev))
                    throw new UserInputException($"{where}: duplicate fact id '{explicitId}' (already used by the fact with subject \"{samples[prev].Subject}\")");
                // The same subject and object under two ids is one fact counted twice. (A subject
                // with another object is a fact of its own; the splitter keeps such facts together.)
                if (explicitByFact.TryGetValue((subject, obj), out int same))
                    throw new UserInputException(
                        $"{where}: duplicate fact: subject \"{subject}\" with object \"{obj}\" is already fact '{samples[same].Id}'");
                indexById.Add(explicitId, samples.Count);
                explicitByFact.Add((subject, obj), samples.Count);
                samples.Add(new RelationSample(explicitId, subject, obj, answers) { Split = split });
                return;
            }

            // No id (LRE): the id is the subject's slug. LRE lists a subject once per accepted
            // object for many-valued relations (and, in a few files, the same row twice); those
            // rows are one fact with several answers.
            if (derivedBySubject.TryGetValue(subject, out int row))
            {
                if (split != samples[row].Split)
                    throw new UserInputException($"{where}: split '{split ?? "(none)"}' differs from the split of the earlier row of subject \"{subject}\"");
                var merged = samples[row].Answers.ToList();
                foreach (var a in answers) if (!merged.Contains(a, StringComparer.Ordinal)) merged.Add(a);
                samples[row] = samples[row] with { Answers = merged };
                return;
            }
            string baseId = Slug.From(subject);
            if (baseId.Length == 0) baseId = $"fact_{i}";
            string factId = baseId;
            for (int n = 2; indexById.ContainsKey(factId); n++) factId = $"{baseId}_{n}";
            indexById.Add(factId, samples.Count);
            derivedBySubject.Add(subject, samples.Count);
            samples.Add(new RelationSample(factId, subject, obj, answers) { Split = split });
        }
    }

    private static readonly string[] DescribingFields = ["id", "subject", "object"];

    /// <summary>"id \"x\"", "subject \"X\"" or "object \"Y\"": names a sample in messages, when it has any of them.</summary>
    private static string Describe(JsonObject sample)
    {
        foreach (string field in DescribingFields)
            if (sample[field] is JsonValue v && v.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text))
                return $"{field} \"{text.Trim()}\"";
        return "";
    }

    private static IReadOnlyList<ObjectSentence> ReadObjectSentences(JsonObject root, string source)
    {
        if (root["object_sentences"] is not { } node) return [];
        if (node is not JsonArray arr) throw new UserInputException($"{source}: 'object_sentences' must be an array of objects");
        var sentences = new List<ObjectSentence>(arr.Count);
        for (int i = 0; i < arr.Count; i++)
        {
            string where = $"{source}: object_sentences[{i}]";
            if (arr[i] is not JsonObject o) throw new UserInputException($"{where} is not an object");
            string obj = RequiredText(o, "object", where);
            string text = RequiredText(o, "text", where);
            if (!text.Contains(obj, StringComparison.Ordinal))
                throw new UserInputException($"{where}: the text \"{text}\" does not contain its object \"{obj}\"");
            sentences.Add(new ObjectSentence(obj, text));
        }
        return sentences;
    }

    private static int? ReadSourceSamples(JsonObject root, string source)
    {
        if (root["source"] is not { } node) return null;
        if (node is not JsonObject o) throw new UserInputException($"{source}: 'source' must be an object");
        if (o["samples"] is not { } samplesNode) return null;
        if (samplesNode is not JsonValue v || !v.TryGetValue(out int n) || n < 1)
            throw new UserInputException($"{source}: 'source.samples' must be a positive integer");
        return n;
    }

    private static string? OptionalString(JsonObject obj, string field, string where)
    {
        var node = obj[field];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out string? s)) return s;
        throw new UserInputException($"{where}: '{field}' must be a string");
    }

    private static string RequiredText(JsonObject obj, string field, string where)
    {
        string? value = OptionalString(obj, field, where);
        if (value is null) throw new UserInputException($"{where}: missing '{field}'");
        if (string.IsNullOrWhiteSpace(value)) throw new UserInputException($"{where}: '{field}' is empty");
        return value.Trim();
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends its own "LineNumber: ... | BytePositionInLine: ..." which we already give.
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd() : message;
    }
}
