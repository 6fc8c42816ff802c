using RelationNeurons.Evaluation;
namespace RelationNeurons.Experiments.Results;

/// <summary>Computes language × language drop matrices per relation and their mean.</summary>
public static class CrossLingualBuilder
{
    /// <param name="clean">the unmodified model on every relation in every language</param>
    /// <param name="deactivated">per (relation, language the neurons were found in): evaluation in every language</param>
    /// <param name="random">per (relation, language found in): evaluations with layer-matched random sets of the same size</param>
    public static CrossLingualResult Build(
        IReadOnlyList<string> languages,
        IReadOnlyList<string> relations,
        EvaluationResult clean,
        IReadOnlyDictionary<(string Relation, string Language), EvaluationResult> deactivated,
        IReadOnlyDictionary<(string Relation, string Language), IReadOnlyList<EvaluationResult>> random)
    {
        if (relations.Count == 0) throw new ArgumentException("no relation", nameof(relations));
        int n = languages.Count;
        var perRelation = new List<CrossLingualMatrix>(relations.Count);
        foreach (string rel in relations)
        {
            var pairings = languages.Select(l => new OutcomePairing(clean, rel, l)).ToArray();
            double[] cleanAcc = pairings.Select(p => OutcomePairing.Accuracy(p.CleanCorrect)).ToArray();
            var drop = InterRelationBuilder.NewMatrix(n);
            var randomDrop = InterRelationBuilder.NewMatrix(n);
            for (int a = 0; a < n; a++)
            {
                var key = (rel, languages[a]);
                if (!deactivated.TryGetValue(key, out var deact))
                    throw new UserInputException($"cross-lingual experiment: no evaluation with the '{languages[a]}' neurons of '{rel}' deactivated");
                if (!random.TryGetValue(key, out var rand) || rand.Count == 0)
                    throw new UserInputException($"cross-lingual experiment: no random-set evaluation for the '{languages[a]}' neurons of '{rel}'");
                for (int b = 0; b < n; b++)
                {
                    drop[a][b] = cleanAcc[b] - OutcomePairing.Accuracy(pairings[b].Align(deact));
                    randomDrop[a][b] = cleanAcc[b] - rand.Average(r => OutcomePairing.Accuracy(pairings[b].Align(r)));
                }
            }
            perRelation.Add(new CrossLingualMatrix(rel, cleanAcc, drop, randomDrop));
        }
        return new CrossLingualResult(languages.ToArray(), perRelation, MeanOf(perRelation, n));
    }

    private static CrossLingualMatrix MeanOf(IReadOnlyList<CrossLingualMatrix> all, int n)
    {
        var drop = InterRelationBuilder.NewMatrix(n);
        var randomDrop = InterRelationBuilder.NewMatrix(n);
        var clean = new double[n];
        foreach (var m in all)
        {
            for (int b = 0; b < n; b++) clean[b] += m.AccuracyClean[b] / all.Count;
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                {
                    drop[a][b] += m.Drop[a][b] / all.Count;
                    randomDrop[a][b] += m.RandomDrop[a][b] / all.Count;
                }
        }
        return new CrossLingualMatrix(CrossLingualResult.MeanLabel, clean, drop, randomDrop);
    }
}
