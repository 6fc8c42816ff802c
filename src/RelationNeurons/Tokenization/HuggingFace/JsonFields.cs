using System.Text.Json;

namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>Typed reads of tokenizer.json fields that fail with a <see cref="UserInputException"/> naming the file and the field.</summary>
internal readonly struct JsonFields(string source)
{
    public string Source { get; } = source;

    public UserInputException Error(string what) => new($"{Source}: {what}");

    public JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public JsonElement Required(JsonElement obj, string name, string where) =>
        Optional(obj, name) ?? throw Error($"{where}: missing field '{name}'");

    public string String(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error($"{where} must be a string");

    public string? OptionalString(JsonElement obj, string name, string where) =>
        Optional(obj, name) is { } v ? String(v, $"{where}.{name}") : null;

    public bool OptionalBool(JsonElement obj, string name, string where, bool fallback) =>
        Optional(obj, name) is { } v
            ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Error($"{where}.{name} must be true or false") }
            : fallback;

    public int Int(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Error($"{where} must be an integer");

    public int OptionalInt(JsonElement obj, string name, string where, int fallback) =>
        Optional(obj, name) is { } v ? Int(v, $"{where}.{name}") : fallback;

    public JsonElement.ArrayEnumerator Array(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : throw Error($"{where} must be an array");

    public string Type(JsonElement obj, string where) =>
        obj.ValueKind == JsonValueKind.Object ? String(Required(obj, "type", where), $"{where}.type") : throw Error($"{where} must be an object");

    /// <summary>A `pattern` field: {"String": "..."} or {"Regex": "..."}.</summary>
    public (string Text, bool IsRegex) Pattern(JsonElement obj, string where)
    {
        var p = Required(obj, "pattern", where);
        if (Optional(p, "String") is { } s) return (String(s, $"{where}.pattern.String"), false);
        if (Optional(p, "Regex") is { } r) return (String(r, $"{where}.pattern.Regex"), true);
        throw Error($"{where}.pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}");
    }
}
