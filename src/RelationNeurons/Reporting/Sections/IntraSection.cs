using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Intra-relation deactivation: figure and per-relation table for both fact subsets.</summary>
internal static class IntraSection
{
    public static ReportSection Build(IntraRelationResult r, string figures)
    {
        var st = r.Statistics;
        int level = (int)Math.Round(st.ConfidenceLevel * 100);
        var paragraphs = new List<string>
        {
            "Each relation's selected neurons are set to 0 and the relation's test facts are evaluated again; the same number of random neurons, drawn layer by layer to match, gives the baseline.",
            $"Drops are in percentage points (clean minus after). \"Beyond random\" is the paired per-fact difference between the random sets' and the relation set's accuracy; its {level}% interval is a percentile bootstrap over facts ({Format.Int(st.BootstrapResamples)} resamples) and p is a two-sided sign-flip permutation test (exact when at most 16 facts differ, else {Format.Int(st.PermutationResamples)} resamples), seed {st.Seed}. p-values are not corrected for multiple comparisons.",
        };
        var tables = new List<ReportTable> { Table("Facts the unmodified model recalled", r.Entries, e => e.FactsCorrectBefore, level) };
        tables.Add(Table("All test facts", r.Entries, e => e.AllFacts, level));
        return new ReportSection("intra", "Fig 3. Intra-relation deactivation", paragraphs, [ExperimentFigures.IntraDrop(r, figures)], tables);
    }

    private static ReportTable Table(string caption, IReadOnlyList<IntraRelationEntry> entries, Func<IntraRelationEntry, IntraComparison?> pick, int level)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var e in entries)
        {
            var c = pick(e);
            if (c is null)
            {
                rows.Add([e.Relation, e.Language, Format.Int(e.NeuronCount), "0", "—", "—", "—", "—", "—", "—", "—", "—"]);
                continue;
            }
            rows.Add(
            [
                e.Relation, e.Language, Format.Int(e.NeuronCount), Format.Int(c.Count),
                Format.Percent(c.AccuracyClean), Format.Percent(c.AccuracyDeactivated), Format.Percent(c.AccuracyRandomMean),
                Format.Pp(c.DropDeactivated), Format.Pp(c.DropRandom),
                Format.Pp(c.DropVsRandom.Estimate), Format.Ci(c.DropVsRandom.CiLow, c.DropVsRandom.CiHigh), Format.P(c.DropVsRandom.PValue),
            ]);
        }
        return new ReportTable(caption,
            ["relation", "lang", "neurons", "facts", "clean", "deactivated", "random", "drop (pp)", "random drop (pp)", "beyond random (pp)", $"{level}% CI", "p"],
            rows);
    }
}
