using System.Text.Json;
using RelationNeurons.Analysis;
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
    public const string SelectionFormat = "relneurons-neuron-sets";

    public static NeuronSetCollection Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: neuron sets file not found");
        using var doc = ReadJson(path);
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String)
        {
            if (f.GetString() != SelectionFormat) throw new UserInputException($"{path}: unknown format '{f.GetString()}'");
            return FromSelection(root, path);
        }
        return NeuronSetFile.Load(path);
    }

    private static JsonDocument ReadJson(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: malformed JSON ({e.Message})", e); }
    }

    private static NeuronSetCollection FromSelection(JsonElement root, string path)
    {
        try
        {
            string mode = root.GetProperty("mode").ToString().ToLowerInvariant();
            var sets = new List<RankedNeuronSet>();
            foreach (var rel in root.GetProperty("relations").EnumerateArray())
            {
                string relation = rel.GetProperty("relation").GetString()!;
                string language = rel.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()!
                    : throw new UserInputException($"{path}: the set of '{relation}' has no language; the experiments need sets found per language (expertise with same-language negatives)");
                var top = new List<(NeuronId, float)>();
                var bottom = new List<(NeuronId, float)>();
                foreach (var u in rel.GetProperty("units").EnumerateArray())
                {
                    var id = NeuronId.Parse(u.GetProperty("neuron").GetString()!);
                    float median = u.TryGetProperty("median_pos", out var m) && m.ValueKind == JsonValueKind.Number ? (float)m.GetDouble() : float.NaN;
                    (u.TryGetProperty("end", out var e) && e.GetString() == "bottom" ? bottom : top).Add((id, median));
                }
                var ranked = Interleave(top, bottom);
                var medians = ranked.Select(r => r.Item2).ToArray();
                sets.Add(new RankedNeuronSet(relation, language, ranked.Select(r => r.Item1).ToArray(),
                    medians.All(float.IsFinite) ? medians : null));
            }
            var taps = root.TryGetProperty("taps", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => UnitSets.ParseSuffix(x.GetString()!)).ToArray()
                : null;
            return new NeuronSetCollection(sets, mode, taps);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"{path}: not a valid neuron sets file ({e.Message})", e);
        }
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
