using System.Text.Json;

namespace RelationNeurons.Tests.Models;

/// <summary>
/// The repository's tests/fixtures/stories260k (see <see cref="RepositoryFixtures"/>) and its
/// golden.json. Tests that use it are [SkippableFact]/[SkippableTheory]: skipped, with the reason,
/// when the fixture is not there.
/// </summary>
internal static class StoriesFixture
{
    /// <summary>
    /// Five prompts in stories260k's vocabulary, BOS first, of 1 to 12 tokens (one of BOS alone):
    /// the mix the batching and prefix-cache tests compare one-by-one runs against.
    /// </summary>
    public static readonly int[][] MixedPrompts =
    [
        [1, 461, 461, 401, 401, 401, 461, 378],
        [1],
        [1, 5, 300, 299, 42, 100, 17],
        [1, 283, 264],
        [1, 13, 431, 431, 293, 430, 417, 363, 416, 315, 342, 88],
    ];

    public const string Name = "stories260k";

    /// <summary>The fixture folder, or null when the repository has none.</summary>
    public static string? Folder { get; } = RepositoryFixtures.Find(Name, "model.safetensors");

    /// <summary>The fixture folder; skips the calling test (with the reason) when it is missing.</summary>
    public static string Require() => Folder ?? RepositoryFixtures.Require(Name, "model.safetensors");

    private static readonly Lazy<Golden?> LazyGolden = new(() => Folder is null ? null : Golden.Load(Path.Combine(Folder, "golden.json")));
    public static Golden GoldenValues => LazyGolden.Value ?? throw new SkipException(RepositoryFixtures.MissingReason(Name, "golden.json"));
}

internal sealed class Golden
{
    public required int[] GreedyFromBos { get; init; }
    public required int[] InputIds { get; init; }
    public required float[][] Logits { get; init; }
    public required float[][] MlpLayer2 { get; init; }
    public required Dictionary<int, int[]> AblationNeurons { get; init; }
    public required float[] AblationLastLogits { get; init; }

    public static Golden Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
        float[][] Matrix(JsonElement e) => e.EnumerateArray().Select(Floats).ToArray();

        var ablation = root.GetProperty("ablation");
        var neurons = new Dictionary<int, int[]>();
        var zeroed = ablation.GetProperty("neurons_zeroed");
        foreach (var p in zeroed.EnumerateObject()) neurons[int.Parse(p.Name)] = Ints(p.Value);
        return new Golden
        {
            GreedyFromBos = Ints(root.GetProperty("greedy_from_bos")),
            InputIds = Ints(root.GetProperty("input_ids")),
            Logits = Matrix(root.GetProperty("logits")),
            MlpLayer2 = Matrix(root.GetProperty("mlp_activations_layer2")),
            AblationNeurons = neurons,
            AblationLastLogits = Floats(ablation.GetProperty("logits_last_position")),
        };
    }
}
