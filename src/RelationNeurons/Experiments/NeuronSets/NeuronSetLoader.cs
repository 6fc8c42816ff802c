using System.Text.Json;
using RelationNeurons.Analysis;
using RelationNeurons.Method;
using RelationNeurons.Hooks;

namespace RelationNeurons.Experiments.NeuronSets;

/// <summary>
/// Reads the neuron sets the experiments use from either file: the selection stage's
/// <c>neuron_sets.json</c> (format <c>relneurons-neuron-sets</c>) or this folder's own
/// <see cref="NeuronSetFile"/>. From a selection of both ends, the ranked order interleaves the
/// two ends (top 1, bottom 1, top 2, bottom 2, ...), so every cumulativity prefix holds both kinds
/// of expert units in the selection's proportion.
/// </summary>
public static class NeuronSetLoader
{
    public const string SelectionFormat = Analysis.NeuronSets.FormatName;

    public static NeuronSetCollection Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: neuron sets file not found");
        using var doc = ReadJson(path);
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String)
        {
            if (f.GetString() != SelectionFormat) throw new UserInputException($"{path}: unknown format '{f.GetString()}'");
            return FromSelection(path);
        }
        return NeuronSetFile.Load(path);
    }

    private static JsonDocument ReadJson(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: malformed JSON ({e.Message})", e); }
    }

    /// <summary>The selection's file read as the one typed neuron-set record (<see cref="NeuronSets"/>), viewed as ranked sets.</summary>
    private static NeuronSetCollection FromSelection(string path)
    {
        var file = Analysis.NeuronSets.Load(path);
        var sets = new List<RankedNeuronSet>();
        foreach (var rel in file.Relations)
        {
            string language = rel.Language ?? throw new UserInputException(
                $"{path}: the set of '{rel.Relation}' has no language; the experiments need sets found per language (expertise with same-language negatives)");
            var top = rel.Units.Where(u => u.End != "bottom").Select(u => (u.Id, (float)u.MedianPos)).ToList();
            var bottom = rel.Units.Where(u => u.End == "bottom").Select(u => (u.Id, (float)u.MedianPos)).ToList();
            var ranked = Interleave(top, bottom);
            var medians = ranked.Select(r => r.Item2).ToArray();
            sets.Add(new RankedNeuronSet(rel.Relation, language, ranked.Select(r => r.Id).ToArray(), medians.All(float.IsFinite) ? medians : null));
        }
        return new NeuronSetCollection(sets, ProtocolNames.Of(file.Mode), file.Taps.Select(UnitSets.ParseSuffix).ToArray());
    }

    /// <summary>Merges two ranked lists so that every prefix takes from each in proportion to its length.</summary>
    public static List<T> Interleave<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        var result = new List<T>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            // Take from a while its share so far is not ahead of its overall share.
            bool takeA = j >= b.Count || (i < a.Count && (long)i * (a.Count + b.Count) <= (long)(i + j) * a.Count);
            result.Add(takeA ? a[i++] : b[j++]);
        }
        return result;
    }
}
