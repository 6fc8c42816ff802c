using System.Text.Json;
using RelationNeurons.Hooks;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.NeuronSets;

/// <summary>
/// Reads and writes neuron-set files (<c>neurons.json</c>): the selection's name and, per
/// (relation, language), the ranked units as strings (<c>L3.N41</c> or <c>blocks.3.attn.hook_q[7]</c>)
/// with optional medians on positives. See docs/experiments.md.
/// </summary>
public static class NeuronSetFile
{
    public const string DefaultFileName = "neurons.json";

    private sealed record FileSet(string Relation, string Language, IReadOnlyList<string> Neurons, IReadOnlyList<float>? MedianOnPositives);

    private sealed record FileContent(string Selection, IReadOnlyList<FileSet> Sets) : IVersionedResult
    {
        public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
    }

    public static void Save(string path, NeuronSetCollection sets) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new FileContent(sets.Selection,
            sets.Sets.Select(s => new FileSet(s.Relation, s.Language, s.Neurons.Select(n => n.ToString()).ToArray(), s.MedianOnPositives)).ToArray()),
            ResultJson.Options) + "\n");

    public static NeuronSetCollection Load(string path)
    {
        var content = ResultJson.Load<FileContent>(path);
        try
        {
            return new NeuronSetCollection(content.Sets.Select(s =>
                new RankedNeuronSet(s.Relation, s.Language, s.Neurons.Select(NeuronId.Parse).ToArray(), s.MedianOnPositives)), content.Selection);
        }
        catch (UserInputException e)
        {
            throw new UserInputException($"{path}: {e.Message}", e);
        }
    }
}
