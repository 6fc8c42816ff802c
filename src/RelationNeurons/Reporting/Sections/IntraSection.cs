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
            "Each relation's selected neurons are set to 0 and the relation's test facts (P^eva, Fig 3a) are evaluated again; the same number of random neurons (drawn as the run's `random` setting says) gives the baseline.",
            $"Drops are in percentage points (clean minus after). \"Beyond random\" is the paired per-fact difference between the random sets' and the relation set's accuracy; its {level}% interval is a percentile bootstrap over facts ({Format.Int(st.BootstrapResamples)} resamples) and p is a two-sided sign-flip permutation test (exact when at most 16 facts differ, else {Format.Int(st.PermutationResamples)} resamples), seed {st.Seed}. p-values are not corrected for multiple comparisons.",
        };
        var tables = new List<ReportTable> { Table("Facts the unmodified model recalled", r.Entries, e => e.FactsCorrectBefore, level) };
        tables.Add(Table("Fig 3a. All test facts (P^eva)", r.Entries, e => e.AllFacts, level));
        if (r.Entries.Any(e => e.DetectionPrompts is not null))
        {
            paragraphs.Add("Fig 3b repeats the comparison on the relation's validated detection prompts (P^det, on which its neurons were found; a seeded sample of at most " +
                "the run's detection_prompts_per_relation per relation and language). The unmodified model answers all of them right, by construction of the validation.");
            tables.Add(Table("Fig 3b. Validated detection prompts (P^det)", r.Entries, e => e.DetectionPrompts, level));
        }
        return new ReportSection("intra", "Fig 3. Intra-relation deactivation", paragraphs, [ExperimentFigures.IntraDrop(r, figures)], tables);
    }

    private static ReportTable Table(string caption, IReadOnlyList<IntraRelationEntry> entries, Func<IntraRelationEntry, IntraComparison?> pick, int level) =>
        new(caption, Headers(level), entries.Select(e => Row(e.Relation, e.Language, e.NeuronCount, pick(e))).ToList());

    /// <summary>The columns of a comparison table (also Fig 7's and Fig 8's).</summary>
    internal static IReadOnlyList<string> Headers(int level) =>
        ["relation", "lang", "neurons", "facts", "clean", "deactivated", "random", "drop (pp)", "random drop (pp)", "beyond random (pp)", $"{level}% CI", "p"];

    /// <summary>One comparison as a row of <see cref="Headers"/> (dashes when there is none).</summary>
    internal static IReadOnlyList<string> Row(string relation, string language, int neurons, IntraComparison? c) => c is null
        ? [relation, language, Format.Int(neurons), "0", "—", "—", "—", "—", "—", "—", "—", "—"]
        :
        [
            relation, language, Format.Int(neurons), Format.Int(c.Count),
            Format.Percent(c.AccuracyClean), Format.Percent(c.AccuracyDeactivated), Format.Percent(c.AccuracyRandomMean),
            Format.Pp(c.DropDeactivated), Format.Pp(c.DropRandom),
            Format.Pp(c.DropVsRandom.Estimate), Format.Ci(c.DropVsRandom.CiLow, c.DropVsRandom.CiHigh), Format.P(c.DropVsRandom.PValue),
        ];
}
