using System.Text.Json;

namespace RelationNeurons.Tests.Tokenization;

/// <summary>The repository's tests/fixtures/llama2-tokenizer (see <see cref="RepositoryFixtures"/>) and its golden.json.</summary>
internal static class TokenizerFixtures
{
    public sealed record GoldenCase(string Text, int[] Ids, string[] Pieces);

    public const string Llama2Name = "llama2-tokenizer";

    public static string? Llama2Folder { get; } = RepositoryFixtures.Find(Llama2Name, "tokenizer.model");

    public static string RequireLlama2Folder() =>
        Llama2Folder ?? throw new InvalidOperationException(RepositoryFixtures.MissingReason(Llama2Name, "tokenizer.model") + "; these tests need it");

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
        if (Llama2Folder is null) { data.Add(-1); return data; }
        for (int i = 0; i < GoldenCases().Count; i++) data.Add(i);
        return data;
    }
}
