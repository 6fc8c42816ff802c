using RelationNeurons.Hooks;

namespace RelationNeurons.Experiments.Results;

/// <summary>A relation's selected neuron set.</summary>
public sealed record RelationNeuronSet(string Relation, IReadOnlyCollection<NeuronId> Neurons);

/// <summary>Computes pairwise overlaps (counts, Jaccard) and per-layer counts of relations' neuron sets.</summary>
public static class OverlapBuilder
{
    public static OverlapMatrix Build(string language, IReadOnlyList<RelationNeuronSet> sets, int layerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layerCount);
        int n = sets.Count;
        var hashed = sets.Select(s => s.Neurons.ToHashSet()).ToArray();
        var intersection = Enumerable.Range(0, n).Select(_ => new int[n]).ToArray();
        var jaccard = InterRelationBuilder.NewMatrix(n);
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                int both = i == j ? hashed[i].Count : hashed[i].Count(hashed[j].Contains);
                int union = hashed[i].Count + hashed[j].Count - both;
                intersection[i][j] = intersection[j][i] = both;
                jaccard[i][j] = jaccard[j][i] = union == 0 ? 0 : (double)both / union;
            }
        }
        var perLayer = new List<LayerDistribution>(n);
        for (int i = 0; i < n; i++)
        {
            var counts = new int[layerCount];
            foreach (var id in hashed[i])
            {
                if ((uint)id.Hook.Layer >= (uint)layerCount)
                    throw new UserInputException($"neuron {id} of '{sets[i].Relation}' is outside the model's {layerCount} layers");
                counts[id.Hook.Layer]++;
            }
            perLayer.Add(new LayerDistribution(sets[i].Relation, counts));
        }
        return new OverlapMatrix(language, sets.Select(s => s.Relation).ToArray(), hashed.Select(h => h.Count).ToArray(),
            intersection, jaccard, layerCount, perLayer);
    }
}
