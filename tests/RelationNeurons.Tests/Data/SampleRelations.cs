using System.Text.Json.Nodes;

namespace RelationNeurons.Tests.Data;

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "relneurons-data-" + Guid.NewGuid().ToString("N")));
    public string Path { get; }
    public string File(string relative) => System.IO.Path.Combine(Path, relative);
    public string Write(string relative, string text)
    {
        string full = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
        return full;
    }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>
/// A tiny relation set in the project's format, in English and German, written to a folder:
/// real facts (capitals, currencies) plus synthetic facts to reach the sizes a split needs.
/// </summary>
internal static class SampleRelations
{
    public static readonly (string Id, string En, string De, string Capital, string DeCapital)[] Countries =
    [
        ("france", "France", "Frankreich", "Paris", "Paris"),
        ("germany", "Germany", "Deutschland", "Berlin", "Berlin"),
        ("italy", "Italy", "Italien", "Rome", "Rom"),
        ("spain", "Spain", "Spanien", "Madrid", "Madrid"),
        ("austria", "Austria", "Österreich", "Vienna", "Wien"),
        ("poland", "Poland", "Polen", "Warsaw", "Warschau"),
        ("portugal", "Portugal", "Portugal", "Lisbon", "Lissabon"),
        ("greece", "Greece", "Griechenland", "Athens", "Athen"),
        ("japan", "Japan", "Japan", "Tokyo", "Tokio"),
        ("egypt", "Egypt", "Ägypten", "Cairo", "Kairo"),
        ("peru", "Peru", "Peru", "Lima", "Lima"),
        ("norway", "Norway", "Norwegen", "Oslo", "Oslo"),
    ];

    /// <summary>A relation file's JSON in the project's format.</summary>
    public static string RelationJson(string id, string language, string[] templates, IEnumerable<(string Id, string Subject, string Object, string[] Answers)> samples, string? kind = "country")
    {
        var root = new JsonObject
        {
            ["id"] = id,
            ["name"] = id.Replace('_', ' '),
            ["language"] = language,
            ["kind"] = kind,
            ["prompt_templates"] = new JsonArray(templates.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["samples"] = new JsonArray(samples.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["subject"] = s.Subject,
                ["object"] = s.Object,
                ["answers"] = new JsonArray(s.Answers.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            }).ToArray()),
        };
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Synthetic facts "thing_i" -> "value_i" for size tests.</summary>
    public static IEnumerable<(string, string, string, string[])> Synthetic(int count, string prefix = "thing") =>
        Enumerable.Range(0, count).Select(i => ($"{prefix}_{i:D3}", $"{prefix} {i}", $"value {i}", Array.Empty<string>()));

    /// <summary>
    /// Writes en and de versions of: country_capital (12 facts), widget_maker (synthetic,
    /// <paramref name="bigFacts"/> facts), and en-only gadget_color (20 facts). Returns the folder.
    /// </summary>
    public static string Write(TempDir dir, int bigFacts = 120)
    {
        dir.Write("en/country_capital.json", RelationJson("country_capital", "en",
            ["The capital of {} is", "{}'s capital city is"],
            Countries.Select(c => (c.Id, c.En, c.Capital, Array.Empty<string>()))));
        dir.Write("de/country_capital.json", RelationJson("country_capital", "de",
            ["Die Hauptstadt von {} ist", "{} hat die Hauptstadt"],
            Countries.Select(c => (c.Id, c.De, c.DeCapital, Array.Empty<string>()))));
        dir.Write("en/widget_maker.json", RelationJson("widget_maker", "en", ["{} is made by", "The maker of {} is"], Synthetic(bigFacts), kind: "product"));
        dir.Write("de/widget_maker.json", RelationJson("widget_maker", "de", ["{} wird hergestellt von"], Synthetic(bigFacts), kind: "product"));
        dir.Write("en/nested/gadget_color.json", RelationJson("gadget_color", "en", ["The color of {} is"], Synthetic(20, "gadget"), kind: null));
        return dir.Path;
    }
}
