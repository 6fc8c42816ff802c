using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Accuracy as growing prefixes of a relation's expertise ranking are deactivated, from a handful of units to many times its set.</summary>
internal static class CumulativitySection
{
    public static ReportSection Build(CumulativityResult r, string figures)
    {
        var paragraphs = new List<string>
        {
            "Each relation's units are ranked by expertise (average precision; for a selection of both ends, the top and bottom of the ranking taken in turn) " +
            "and growing prefixes of the ranking are deactivated: the paper's k values (10 … 50,000 of Llama-2-7B's 835,584 units) scaled to this model's unit count, " +
            "or multiples of the relation's selected set size N (--sweep scales), beyond the set along the same ranking. A random set of each size is the baseline; " +
            "the random sets are nested like the prefixes. With the k sweep, the last column is the mean accuracy of the language's other relations with the same units off (Fig 5's second curve).",
        };
        var reach = r.Curves.Where(c => c.Points.Count > 0).Select(c => c.Points.Max(p => p.NeuronCount)).ToArray();
        if (r.Curves.Any(c => c.Points.Count > 0 && c.Points.Max(p => p.NeuronCount) <= c.SetSize))
            paragraphs.Add("Some curves stop at N: no expertise ranking beyond the selected set was available to them (or the sweep's scales end at 1).");
        if (r.Curves.FirstOrDefault(c => c.TotalUnits is > 0) is { TotalUnits: long total } && reach.Length > 0)
            paragraphs.Add($"The largest point deactivates {Format.Int(reach.Max())} units, {Format.Number(100.0 * reach.Max() / total, "0.##")}% of the model's {Format.Int(total)} units.");
        var tables = r.Curves.Select(c => new ReportTable($"{c.Relation} ({c.Language}), N = {c.SetSize} selected neurons",
            ["× N", "neurons", "share of all units", "accuracy", "random", "accuracy, recalled before", "random, recalled before", "other relations (mean)"],
            c.Points.Select(p => (IReadOnlyList<string>)
            [
                Format.Number(p.Scale, "0.###"), Format.Int(p.NeuronCount),
                c.TotalUnits is > 0 ? Format.Number(100.0 * p.NeuronCount / c.TotalUnits.Value, "0.###") + "%" : "—",
                Format.Percent(p.Accuracy), Format.Percent(p.AccuracyRandom),
                p.AccuracyCorrectBefore is { } a ? Format.Percent(a) : "—", p.AccuracyRandomCorrectBefore is { } b ? Format.Percent(b) : "—",
                p.AccuracyOthers is { } o ? Format.Percent(o) : "—",
            ]).ToList())).ToList();
        if (r.Ranges is { Count: > 0 } ranges)
        {
            paragraphs.Add("Table 3 (the paper's cumulativity check, Fig 6): for each pair of consecutive points k₁ < k₂, #total counts the prompts right with the first k₁ units off " +
                "and wrong with the first k₂ off; only the units ranked k₁+1 … k₂ are then deactivated, and #affected counts those of the #total that are wrong again. " +
                "Cumulativity = 1 − #affected / #total: near 1, the larger set's extra damage needs the smaller set too. Macro: mean over relations; micro: over all prompts.");
            tables.Insert(0, new ReportTable("Table 3. Cumulativity check, all relations",
                ["range (units)", "relations", "#total", "#affected", "cumulativity, macro", "cumulativity, micro"],
                ranges.Select(g => (IReadOnlyList<string>)
                [
                    $"{Format.Int(g.From)} → {Format.Int(g.To)}", Format.Int(g.Relations), Format.Int(g.Total), Format.Int(g.Affected),
                    g.Macro is { } m ? Format.Number(m, "0.000") : "—", g.Micro is { } u ? Format.Number(u, "0.000") : "—",
                ]).ToList()));
        }
        return new ReportSection("cumulativity", "Fig 5, 6 and Table 3. Deactivating more units (k sweep) and the cumulativity check", paragraphs, [ExperimentFigures.Cumulativity(r, figures)], tables);
    }
}
