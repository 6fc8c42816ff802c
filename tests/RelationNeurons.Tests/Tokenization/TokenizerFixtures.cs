using System.Text.Json;

namespace RelationNeurons.Tests.Tokenization;

/// <summary>Finds ../shared/fixtures/llama2-tokenizer from the test's working directory upward.</summary>
internal static class TokenizerFixtures
{
    public sealed record GoldenCase(string Text, int[] Ids, string[] Pieces);

    public static string? Llama2Folder { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "fixtures", "llama2-tokenizer"), Path.Combine(dir.FullName, "..", "shared", "fixtures", "llama2-tokenizer") })
                if (File.Exists(Path.Combine(candidate, "tokenizer.model"))) return Path.GetFullPath(candidate);
        }
        return null;
    }

    public static string RequireLlama2Folder() =>
        Llama2Folder ?? throw new InvalidOperationException("fixture ../shared/fixtures/llama2-tokenizer not found; these tests need it");

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
