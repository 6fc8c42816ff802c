using System.Text.Json;

namespace RelationNeurons.Tests.Tokenization;

/// <summary>The repository's tests/fixtures/llama2-tokenizer (see <see cref="RepositoryFixtures"/>) and its golden.json.</summary>
internal static class TokenizerFixtures
{
    public sealed record GoldenCase(string Text, int[] Ids, string[] Pieces);

    public const string Llama2Name = "llama2-tokenizer";

    public static string? Llama2Folder { get; } = RepositoryFixtures.Find(Llama2Name, "tokenizer.model");

    /// <summary>The fixture folder; skips the calling test (with the reason) when it is missing, also from inside a Lazy.</summary>
    public static string RequireLlama2Folder() => Llama2Folder ?? RepositoryFixtures.Require(Llama2Name, "tokenizer.model");

    public static IReadOnlyList<GoldenCase> GoldenCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RequireLlama2Folder(), "golden.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new GoldenCase(
            c.GetProperty("text").GetString()!,
            c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!).ToArray())).ToList();
    }

    public static TheoryData<int> GoldenIndices()
    {
        var data = new TheoryData<int>();
        // Without the fixture, one case that GoldenCases() reports as skipped (a theory needs at least one row).
        if (Llama2Folder is null) { data.Add(-1); return data; }
        for (int i = 0; i < GoldenCases().Count; i++) data.Add(i);
        return data;
    }
}
