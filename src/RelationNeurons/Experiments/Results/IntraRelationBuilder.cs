using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Randomness;
using RelationNeurons.Evaluation;

namespace RelationNeurons.Experiments.Results;

/// <summary>Computes an <see cref="IntraRelationEntry"/> from the clean, deactivated and random-set evaluations.</summary>
public static class IntraRelationBuilder
{
    public const string AllFactsSubset = "all";
    public const string CorrectBeforeSubset = "correct_before";
    public const string DetectionSubset = "detection";

    public static IntraRelationEntry Build(
        string relation,
        string language,
        int neuronCount,
        EvaluationResult clean,
        EvaluationResult deactivated,
        IReadOnlyList<SeededEvaluation> random,
        StatisticsSettings settings,
        string allSubset = AllFactsSubset)
    {
        if (random.Count == 0) throw new ArgumentException("at least one random-set evaluation is needed", nameof(random));
        var pairing = new OutcomePairing(clean, relation, language);
        bool[] cleanCorrect = pairing.CleanCorrect;
        bool[] deact = pairing.Align(deactivated);
        bool[][] rand = random.Select(r => pairing.Align(r.Result)).ToArray();

        var facts = new List<IntraFactOutcome>(pairing.Count);
        for (int i = 0; i < pairing.Count; i++)
            facts.Add(new IntraFactOutcome(pairing.Clean[i].FactId, pairing.Clean[i].Prompt, cleanCorrect[i], deact[i],
                rand.Select(r => r[i]).ToArray()));

        int[] all = Enumerable.Range(0, pairing.Count).ToArray();
        int[] before = all.Where(i => cleanCorrect[i]).ToArray();
        var allFacts = Compare(all, cleanCorrect, deact, rand, settings, relation, language, allSubset);
        var correctBefore = before.Length == 0 ? null : Compare(before, cleanCorrect, deact, rand, settings, relation, language, CorrectBeforeSubset);
        return new IntraRelationEntry(relation, language, neuronCount, random.Select(r => r.Seed).ToArray(), allFacts, correctBefore, facts);
    }

    private static IntraComparison Compare(int[] subset, bool[] clean, bool[] deact, bool[][] rand,
        StatisticsSettings settings, string relation, string language, string subsetName)
    {
        double accClean = OutcomePairing.Accuracy(clean, subset);
        double accDeact = OutcomePairing.Accuracy(deact, subset);
        double[] accRandom = rand.Select(r => OutcomePairing.Accuracy(r, subset)).ToArray();
        double accRandomMean = accRandom.Average();

        var vsClean = new double[subset.Length];
        var vsRandom = new double[subset.Length];
        var randomVsClean = new double[subset.Length];
        for (int k = 0; k < subset.Length; k++)
        {
            int i = subset[k];
            double d = deact[i] ? 1 : 0;
            double randomMean = 0;
            foreach (var r in rand) randomMean += r[i] ? 1 : 0;
            randomMean /= rand.Length;
            vsClean[k] = (clean[i] ? 1 : 0) - d;
            vsRandom[k] = randomMean - d;
            randomVsClean[k] = (clean[i] ? 1 : 0) - randomMean;
        }
        var dropVsClean = PairedDifferenceTest.Compare(vsClean, settings,
            SplitMix64.DeriveSeed(settings.Seed, "intra", relation, language, subsetName, "vs_clean"));
        var randomDropVsClean = PairedDifferenceTest.Compare(randomVsClean, settings,
            SplitMix64.DeriveSeed(settings.Seed, "intra", relation, language, subsetName, "random_vs_clean"));
        var dropVsRandom = PairedDifferenceTest.Compare(vsRandom, settings,
            SplitMix64.DeriveSeed(settings.Seed, "intra", relation, language, subsetName, "vs_random"));
        return new IntraComparison(subset.Length, accClean, accDeact, accRandom, accRandomMean,
            accClean - accDeact, accClean - accRandomMean, dropVsClean, randomDropVsClean, dropVsRandom);
    }
}
