using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting.Figures;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Neurons found in one language, recall measured in another.</summary>
internal static class CrossLingualSection
{
    public static ReportSection Build(CrossLingualResult r, string figures)
    {
        var paragraphs = new List<string>
        {
            "Row: the language the relation's neurons were found in; column: the language recall was measured in. Drops are clean minus after, in percentage points; the random baseline deactivates as many layer-matched random neurons.",
        };
        const string corner = "found in \\ measured in";
        var tables = new List<ReportTable>
        {
            InterSection.Matrix($"Mean accuracy drop over {r.PerRelation.Count} relations, pp", r.Languages, r.Mean.Drop, corner: corner),
            InterSection.Matrix("Mean random-neuron drop, pp", r.Languages, r.Mean.RandomDrop, corner: corner),
        };
        foreach (var m in r.PerRelation)
            tables.Add(InterSection.Matrix($"{m.Relation}: accuracy drop, pp (clean: {string.Join(", ", r.Languages.Select((l, i) => $"{l} {Format.Percent(m.AccuracyClean[i])}"))})",
                r.Languages, m.Drop, corner: corner));
        return new ReportSection("crosslingual", "Cross-lingual transfer (an extension: neurons found in each language, tested in every language)", paragraphs, [ExperimentFigures.CrossLingual(r, figures)], tables);
    }
}
