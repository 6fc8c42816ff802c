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
            "and growing prefixes of the ranking are deactivated, in multiples of the relation's selected set size N: from a handful of units to many times N, " +
            "beyond the set along the same ranking. A layer-matched random set of each size is the baseline; the random sets are nested like the prefixes, " +
            "and the one of size N is the intra-relation baseline.",
        };
        var reach = r.Curves.Where(c => c.Points.Count > 0).Select(c => c.Points.Max(p => p.NeuronCount)).ToArray();
        if (r.Curves.Any(c => c.Points.Count > 0 && c.Points.Max(p => p.NeuronCount) <= c.SetSize))
            paragraphs.Add("Some curves stop at N: no expertise ranking beyond the selected set was available to them (or the sweep's scales end at 1).");
        if (r.Curves.FirstOrDefault(c => c.TotalUnits is > 0) is { TotalUnits: long total } && reach.Length > 0)
            paragraphs.Add($"The largest point deactivates {Format.Int(reach.Max())} units, {Format.Number(100.0 * reach.Max() / total, "0.##")}% of the model's {Format.Int(total)} units.");
        var tables = r.Curves.Select(c => new ReportTable($"{c.Relation} ({c.Language}), N = {c.SetSize} selected neurons",
            ["× N", "neurons", "share of all units", "accuracy", "random", "accuracy, recalled before", "random, recalled before"],
            c.Points.Select(p => (IReadOnlyList<string>)
            [
                Format.Number(p.Scale, "0.###"), Format.Int(p.NeuronCount),
                c.TotalUnits is > 0 ? Format.Number(100.0 * p.NeuronCount / c.TotalUnits.Value, "0.###") + "%" : "—",
                Format.Percent(p.Accuracy), Format.Percent(p.AccuracyRandom),
                p.AccuracyCorrectBefore is { } a ? Format.Percent(a) : "—", p.AccuracyRandomCorrectBefore is { } b ? Format.Percent(b) : "—",
            ]).ToList())).ToList();
        return new ReportSection("cumulativity", "Cumulative deactivation", paragraphs, [ExperimentFigures.Cumulativity(r, figures)], tables);
    }
}
