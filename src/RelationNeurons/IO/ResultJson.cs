using System.Text.Json;
using System.Text.Json.Serialization;

namespace RelationNeurons.IO;

/// <summary>A top-level result file; its version lets a reader refuse files from a newer tool.</summary>
public interface IVersionedResult
{
    int SchemaVersion { get; }
}

/// <summary>
/// Reads and writes experiment result files: snake_case JSON, indented, written atomically.
/// Non-finite numbers are refused when writing, so every file parses with Python's json module.
/// </summary>
public static class ResultJson
{
    public const int CurrentSchemaVersion = 1;

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // A field missing from a hand-edited or truncated file is an error, not a silent null.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Save<T>(string path, T value) where T : IVersionedResult =>
        AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    /// <summary>Loads a result file; a missing, malformed or too-new file is a user error naming the file.</summary>
    public static T Load<T>(string path) where T : class, IVersionedResult
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
        T? value;
        try
        {
            using var stream = File.OpenRead(path);
            value = JsonSerializer.Deserialize<T>(stream, Options);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not a valid {typeof(T).Name} file: {e.Message}", e);
        }
        if (value is null) throw new UserInputException($"{path}: empty {typeof(T).Name} file (null)");
        if (value.SchemaVersion > CurrentSchemaVersion)
            throw new UserInputException($"{path}: schema version {value.SchemaVersion} is newer than this tool reads ({CurrentSchemaVersion})");
        return value;
    }
}
