using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Accuracy as growing shares of a relation's ranked neurons are deactivated.</summary>
internal static class CumulativitySection
{
    public static ReportSection Build(CumulativityResult r, string figures)
    {
        var paragraphs = new List<string>
        {
            "The relation's neurons are ranked by expertise and growing prefixes are deactivated; a layer-matched random set of each size is the baseline. Accuracy is on all test facts (\"rel\") and for the random sets (\"rnd\").",
        };
        var tables = r.Curves.Select(c => new ReportTable($"{c.Relation} ({c.Language}), {c.RankedNeurons} ranked neurons",
            ["share", "neurons", "accuracy", "random", "accuracy, recalled before", "random, recalled before"],
            c.Points.Select(p => (IReadOnlyList<string>)
            [
                Format.Number(p.Share * 100, "0.##") + "%", Format.Int(p.NeuronCount), Format.Percent(p.Accuracy), Format.Percent(p.AccuracyRandom),
                p.AccuracyCorrectBefore is { } a ? Format.Percent(a) : "—", p.AccuracyRandomCorrectBefore is { } b ? Format.Percent(b) : "—",
            ]).ToList())).ToList();
        return new ReportSection("cumulativity", "Cumulative deactivation", paragraphs, [ExperimentFigures.Cumulativity(r, figures)], tables);
    }
}
