using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace RelationNeurons.Tests.Reliability;

/// <summary>One edit of a JSON text: what to do, where (an index into the nodes or characters), and with which hostile value.</summary>
internal readonly record struct JsonMutation(JsonMutationKind Kind, int Target, int Variant)
{
    public override string ToString() => $"{Kind}@{Target}/{Variant}";
}

internal enum JsonMutationKind { ReplaceValue, Delete, WrapDeep, RenameKey, DuplicateKey, Truncate, DeleteChar, InsertChar }

/// <summary>
/// Mutates valid JSON documents into hostile ones: values of the wrong type, numbers that do not
/// fit, lone surrogates, deep nesting, missing and duplicated keys, and plain text damage
/// (truncation, stray characters). Deterministic for a given mutation list, so CsCheck can shrink.
/// </summary>
internal static class JsonMutator
{
    /// <summary>Raw JSON (some of it not valid JSON) that a reader must survive in any value position.</summary>
    public static readonly string[] HostileValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "-0", "2147483648", "-2147483649", "4294967296",
        "9223372036854775808", "-9223372036854775809", "1e400", "-1e400", "1e-400", "123456789012345678901234567890",
        "NaN", "Infinity", "\"\"", "\"x\"", "\"1\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"{}\"",
        "[]", "{}", "[1,2,3]", "[\"a\",\"b\"]", "[[]]", "{\"a\":{\"b\":{}}}", "[null]", "[-1]", "[1e400]",
        Deep(40), Deep(100), Deep(5000), DeepObject(70),
        "\"" + new string('a', 100_000) + "\"",
        "[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "]",
    ];

    private const string StrayCharacters = "{}[]\",:0-9.eE+\\ \nnt\u00e9\u4e00\ud83e";

    public static readonly Gen<JsonMutation> Mutation =
        Gen.Select(Gen.Enum<JsonMutationKind>(), Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20], (k, t, v) => new JsonMutation(k, t, v));

    public static readonly Gen<JsonMutation[]> Mutations = Mutation.Array[1, 4];

    public static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    public static string DeepObject(int depth)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < depth; i++) sb.Append("{\"a\":");
        sb.Append('1');
        sb.Append('}', depth);
        return sb.ToString();
    }

    public static string Apply(string json, IEnumerable<JsonMutation> mutations)
    {
        foreach (var m in mutations) json = Apply(json, m);
        return json;
    }

    public static string Apply(string json, JsonMutation m)
    {
        switch (m.Kind)
        {
            case JsonMutationKind.Truncate:
                return json.Length == 0 ? json : json[..(m.Target % json.Length)];
            case JsonMutationKind.DeleteChar:
                return json.Length == 0 ? json : json.Remove(m.Target % json.Length, 1);
            case JsonMutationKind.InsertChar:
                return json.Insert(m.Target % (json.Length + 1), StrayCharacters[m.Variant % StrayCharacters.Length].ToString());
        }
        // Text an earlier edit left unreadable as a tree (a lone surrogate, a duplicated key) stays as it is.
        try { return ApplyToTree(json, m); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException) { return json; }
    }

    private static string ApplyToTree(string json, JsonMutation m)
    {
        var root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 10_000 });
        if (root is null) return json;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var node = nodes[m.Target % nodes.Count];
        string raw = HostileValues[m.Variant % HostileValues.Length];
        // Raw text (possibly invalid JSON) goes in through a unique placeholder string.
        string placeholder = $"\u0001mutation{m.Target}\u0001";
        JsonNode stand = JsonValue.Create(placeholder)!;
        string replacement;
        switch (m.Kind)
        {
            case JsonMutationKind.ReplaceValue:
                replacement = raw;
                break;
            case JsonMutationKind.Delete:
                if (node.Parent is JsonObject po) { po.Remove(node.GetPropertyName()); return root.ToJsonString(); }
                if (node.Parent is JsonArray pa) { pa.Remove(node); return root.ToJsonString(); }
                return "";
            case JsonMutationKind.WrapDeep:
                int depth = 1 + m.Variant % 300;
                replacement = new string('[', depth) + node.ToJsonString() + new string(']', depth);
                break;
            case JsonMutationKind.RenameKey:
                if (node.Parent is not JsonObject ro) return json;
                string name = node.GetPropertyName();
                ro.Remove(name);
                ro[name + (m.Variant % 3 == 0 ? "" : "_") + (m.Variant % 2 == 0 ? "X" : "")] = node;
                return root.ToJsonString();
            case JsonMutationKind.DuplicateKey:
                if (node is not JsonObject obj || obj.Count == 0) return json;
                string key = obj.ElementAt(m.Variant % obj.Count).Key;
                string text = obj.ToJsonString();
                replacement = "{" + JsonSerializer.Serialize(key) + ":" + raw + "," + text[1..];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(m));
        }
        if (node.Parent is null) return replacement;
        Swap(node, stand);
        return root.ToJsonString().Replace(JsonSerializer.Serialize(placeholder), replacement, StringComparison.Ordinal);
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        if (node is JsonObject o) foreach (var (_, v) in o) { if (v is not null) Collect(v, into); }
        else if (node is JsonArray a) foreach (var v in a) { if (v is not null) Collect(v, into); }
    }

    private static void Swap(JsonNode node, JsonNode replacement)
    {
        switch (node.Parent)
        {
            case JsonObject o: o[node.GetPropertyName()] = replacement; break;
            case JsonArray a: a[node.GetElementIndex()] = replacement; break;
        }
    }

    /// <summary>Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, Latin-1 letters.</summary>
    public static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0xE9], [0xFC], [0xC3], [0xE4, 0xB8],
    ];

    /// <summary>Inserts an invalid UTF-8 sequence at a position, possibly inside a string or a name.</summary>
    public static byte[] InsertInvalidUtf8(byte[] utf8, int position, int variant)
    {
        var bad = InvalidUtf8[variant % InvalidUtf8.Length];
        int at = position % (utf8.Length + 1);
        return [.. utf8.AsSpan(0, at), .. bad, .. utf8.AsSpan(at)];
    }
}
