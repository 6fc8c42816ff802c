using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Cross-lingual: r's set found in language A deactivated, recall on r in language B, for every
/// ordered pair of languages; relations need a set and test prompts in every language compared.
/// </summary>
public sealed class CrossLingualRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.CrossLingual;

    private static (IReadOnlyList<string> Languages, IReadOnlyList<string> Relations) Scope(ConditionPlanner planner)
    {
        var langs = planner.Languages;
        var rels = langs.Count == 0 ? [] : langs.Select(l => (IEnumerable<string>)planner.RelationsIn(l))
            .Aggregate((a, b) => a.Intersect(b)).Order(StringComparer.Ordinal).ToArray();
        return (langs, rels);
    }

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        var (langs, rels) = Scope(planner);
        if (langs.Count < 2 || rels.Count == 0) yield break;
        yield return planner.Clean();
        foreach (string lang in langs)
            foreach (string rel in rels)
            {
                yield return planner.Deactivated(rel, lang);
                foreach (long seed in planner.Seeds) yield return planner.Random(rel, lang, seed);
            }
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var (langs, rels) = Scope(planner);
        if (langs.Count < 2) return (null, $"needs neuron sets and test prompts in at least two languages (have: {string.Join(", ", langs)}); " +
            "one language's sets tested in every language are the paper's Fig 7, multilingual.json");
        if (rels.Count == 0) return (null, $"no relation has a neuron set and test prompts in every language ({string.Join(", ", langs)})");
        var clean = evaluation(planner.Clean());
        var deact = new Dictionary<(string, string), EvaluationResult>();
        var random = new Dictionary<(string, string), IReadOnlyList<EvaluationResult>>();
        foreach (string lang in langs)
            foreach (string rel in rels)
            {
                deact[(rel, lang)] = evaluation(planner.Deactivated(rel, lang));
                random[(rel, lang)] = planner.Seeds.Select(s => evaluation(planner.Random(rel, lang, s))).ToArray();
            }
        return (CrossLingualBuilder.Build(langs, rels, clean, deact, random), null);
    }
}
