using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Reporting;

/// <summary>
/// The "what this shows / does not show" text, computed from the numbers so it cannot drift
/// from the tables: counts of significant effects, mean effects beside their random baselines,
/// and the limits of the design that hold whatever the numbers are.
/// </summary>
internal static class Findings
{
    public const int SmallSubset = 20;

    public static (List<string> Shows, List<string> DoesNotShow) Write(RunResults run)
    {
        var shows = new List<string>();
        var not = new List<string>();
        if (run.Intra is { Entries.Count: > 0 } intra) Intra(intra, shows, not);
        if (run.Inter is { } inter) foreach (var m in inter.Matrices.Where(m => m.Relations.Count > 1)) Inter(m, shows);
        if (run.Cumulativity is { Curves.Count: > 0 } cum && cum.Curves.All(c => c.Points.Count > 0)) Cumulativity(cum, shows);
        if (run.Overlap is { } overlap) foreach (var m in overlap.Matrices.Where(m => m.Relations.Count > 1)) Overlap(m, shows);
        if (run.CrossLingual is { Languages.Count: > 1, PerRelation.Count: > 0 } cross) CrossLingual(cross, shows);
        Limits(run, not);
        return (shows, not);
    }

    private static void Intra(IntraRelationResult r, List<string> shows, List<string> not)
    {
        bool before = r.Entries.All(e => e.FactsCorrectBefore is not null);
        string subset = before ? "facts the unmodified model recalled" : "all test facts";
        var cmp = r.Entries.Select(e => (Entry: e, C: before ? e.FactsCorrectBefore! : e.AllFacts)).ToList();
        int n = cmp.Count;
        int level = (int)Math.Round(r.Statistics.ConfidenceLevel * 100);
        var above = cmp.Where(x => x.C.DropVsRandom.CiLow > 0).Select(x => Label(x.Entry)).ToList();
        var below = cmp.Where(x => x.C.DropVsRandom.CiHigh < 0).Select(x => Label(x.Entry)).ToList();

        shows.Add(above.Count > 0
            ? $"Intra-relation: for {above.Count} of {n} relations, deactivating the relation's own neurons lowered recall ({subset}) more than as many layer-matched random neurons, with the {level}% interval of the difference excluding 0: {string.Join(", ", above)}."
            : $"Intra-relation: for none of the {n} relations is the drop beyond random clear of 0 at the {level}% level ({subset}).");
        if (below.Count > 0)
            shows.Add($"For {below.Count} relation(s) random neurons hurt more than the relation's own: {string.Join(", ", below)}.");
        double bonferroni = 0.05 / n;
        int survive = cmp.Count(x => x.C.DropVsRandom.PValue < bonferroni && x.C.DropVsRandom.Estimate > 0);
        shows.Add($"{survive} of {n} relations keep p < {Format.Number(bonferroni, "0.####")} (0.05 Bonferroni-corrected for {n} tests) in the permutation test.");
        shows.Add($"Mean drop over relations: {Format.Pp(cmp.Average(x => x.C.DropDeactivated))} pp with the relation's neurons, {Format.Pp(cmp.Average(x => x.C.DropRandom))} pp with random neurons.");

        var small = cmp.Where(x => x.C.Count < SmallSubset).Select(x => $"{Label(x.Entry)} ({x.C.Count})").ToList();
        var none = r.Entries.Where(e => e.FactsCorrectBefore is null).Select(Label).ToList();
        if (small.Count > 0)
            not.Add($"Few facts behind some estimates (fewer than {SmallSubset}): {string.Join(", ", small)}; their intervals are wide and a clear-of-0 result there rests on little data.");
        if (none.Count > 0)
            not.Add($"The unmodified model recalled no test fact of {string.Join(", ", none)}, so no degradation can be measured there.");
        int seeds = r.Entries.Max(e => e.RandomSeeds.Count);
        not.Add($"Intervals and p-values resample test facts only. They do not include the variation from which random neurons were drawn ({seeds} random set(s) per relation) or from selecting the relation's neurons on other identification data.");
    }

    private static void Inter(InterRelationMatrix m, List<string> shows)
    {
        int n = m.Relations.Count;
        double diag = Enumerable.Range(0, n).Average(i => m.AccuracyChange[i][i]);
        var off = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, n).Where(j => j != i).Select(j => (i, j))).ToList();
        double offMean = off.Average(c => m.AccuracyChange[c.i][c.j]);
        double offRandom = off.Average(c => m.RandomAccuracyChange[c.i][c.j]);
        shows.Add($"Inter-relation ({m.Language}): a relation's own neurons changed its accuracy by {Format.Pp(diag)} pp on average; other relations' neurons changed it by {Format.Pp(offMean)} pp on average (random neurons: {Format.Pp(offRandom)} pp).");
        if (m.Interference.Count > 0)
        {
            var top = m.Interference.MaxBy(c => c.AccuracyChange)!;
            shows.Add($"Interference ({m.Language}): accuracy rose in {m.Interference.Count} of {off.Count} off-diagonal cells; the largest rise is {Format.Pp(top.AccuracyChange)} pp on {top.Tested} when the neurons of {top.Deactivated} were deactivated ({top.FlippedToCorrect.Count} fact(s) wrong→correct; random: {Format.Pp(top.RandomAccuracyChange)} pp).");
        }
        else
        {
            shows.Add($"Interference ({m.Language}): no off-diagonal cell shows a rise in accuracy.");
        }
    }

    private static void Cumulativity(CumulativityResult r, List<string> shows)
    {
        int n = r.Curves.Count;
        // The same facts as the figure: those the clean model recalled, when every point has them.
        bool before = r.Curves.All(c => c.Points.All(p => p.AccuracyCorrectBefore is not null));
        double Acc(CumulativityPoint p) => before ? p.AccuracyCorrectBefore!.Value : p.Accuracy;
        double Rnd(CumulativityPoint p) => before ? p.AccuracyRandomCorrectBefore!.Value : p.AccuracyRandom;
        string subset = before ? "facts recalled before" : "all test facts";
        var atSet = r.Curves.Select(c => c.Points.FirstOrDefault(p => p.NeuronCount == c.SetSize)).Where(p => p is not null).Select(p => p!).ToList();
        int belowAtSet = atSet.Count(p => Acc(p) < Rnd(p));
        int belowLast = r.Curves.Count(c => Acc(c.Points[^1]) < Rnd(c.Points[^1]));
        int monotone = r.Curves.Count(c => c.Points.Zip(c.Points.Skip(1)).All(p => Acc(p.Second) <= Acc(p.First) + 0.02));
        int randomFlat = r.Curves.Count(c => Math.Abs(Rnd(c.Points[^1]) - Rnd(c.Points[0])) <= 0.02);
        double meanLast = r.Curves.Average(c => Acc(c.Points[^1]) - Acc(c.Points[0]));
        double meanLastRandom = r.Curves.Average(c => Rnd(c.Points[^1]) - Rnd(c.Points[0]));
        var largest = r.Curves.Select(c => (c.Points[^1].NeuronCount, c.Points[^1].Scale)).Distinct().ToList();
        string where = largest.Count == 1
            ? $"at the largest point ({Format.Int(largest[0].NeuronCount)} units, {Format.Number(largest[0].Scale, "0.##")} × N)"
            : "at each curve's largest point";
        shows.Add($"Cumulativity ({subset}): with the selected N units accuracy is below the random curve for {belowAtSet} of {atSet.Count} relations; " +
            $"{where} for {belowLast} of {n} (mean change from clean {Format.Pp(meanLast)} pp vs {Format.Pp(meanLastRandom)} pp for random; " +
            $"the random curve stays within 2 pp of clean for {randomFlat} of {n}). Accuracy falls monotonically (within 2 pp) as more neurons are deactivated for {monotone} of {n}.");
    }

    private static void Overlap(OverlapMatrix m, List<string> shows)
    {
        int n = m.Relations.Count;
        var pairs = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(i + 1, n - i - 1).Select(j => (i, j))).ToList();
        double mean = pairs.Average(p => m.Jaccard[p.i][p.j]);
        var (a, b) = pairs.MaxBy(p => m.Jaccard[p.i][p.j]);
        shows.Add($"Overlap ({m.Language}): the mean Jaccard index between two relations' neuron sets is {Format.Number(mean, "0.000")}; the largest is {Format.Number(m.Jaccard[a][b], "0.000")} ({m.Relations[a]} and {m.Relations[b]}, {m.Intersection[a][b]} shared neurons).");
    }

    private static void CrossLingual(CrossLingualResult r, List<string> shows)
    {
        int n = r.Languages.Count;
        var m = r.Mean;
        double same = Enumerable.Range(0, n).Average(i => m.Drop[i][i] - m.RandomDrop[i][i]);
        double other = Enumerable.Range(0, n).SelectMany(a => Enumerable.Range(0, n).Where(b => b != a).Select(b => m.Drop[a][b] - m.RandomDrop[a][b])).Average();
        shows.Add($"Cross-lingual (mean over {r.PerRelation.Count} relations): neurons found in a language lower recall in that language by {Format.Pp(same)} pp beyond random, and in the other languages by {Format.Pp(other)} pp beyond random.");
    }

    private static void Limits(RunResults run, List<string> not)
    {
        not.Add("A drop shows that, in this model and on these prompts, zeroing these neurons harms recall. It does not show the neurons are sufficient for the relation, that they encode it alone (see the inter-relation effects), or that other interventions (e.g. setting them to typical values) act the same.");
        not.Add("Correctness is a prefix match of a short greedy continuation against the accepted answers: a right answer phrased otherwise counts as wrong, and a lucky prefix counts as right.");
        if (run.Summary is { } s)
        {
            not.Add($"All numbers come from one model ({s.Model.Name}); they say nothing directly about other models or sizes.");
            if (s.Model.Name.Contains("demo", StringComparison.OrdinalIgnoreCase))
                not.Add("The demo model is a tiny model trained on the built-in facts: its numbers check that the pipeline works, not the paper's claims about large language models.");
        }
        else
        {
            not.Add($"No {RunFiles.Summary}: the model, its weights' digest and the settings are unknown, so these results cannot be tied to a model.");
        }
        var notRun = run.Missing.Where(f => f != RunFiles.Summary).ToList();
        if (notRun.Count > 0)
            not.Add($"Experiments without a result file are not covered: {string.Join(", ", notRun)}.");
    }

    private static string Label(IntraRelationEntry e) => $"{e.Relation} ({e.Language})";
}
