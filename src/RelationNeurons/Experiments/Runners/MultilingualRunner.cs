using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Fig 7: r's neurons found in the source language (English) deactivated, recall on r's P^eva
/// prompts in every test language. It needs no condition of its own: the deactivation of r's
/// source set is already evaluated on r's prompts in every language (<see cref="ConditionPlanner.Deactivated"/>),
/// as are its random sets, so it shares the intra-relation experiment's evaluations.
/// </summary>
public sealed class MultilingualRunner : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Multilingual;

    private static string Source(ConditionPlanner planner) => planner.Options.SourceLanguage;

    /// <summary>The relations with a set in the source language and test prompts there (none when the source has no sets).</summary>
    private static IReadOnlyList<string> Relations(ConditionPlanner planner) =>
        planner.Languages.Contains(Source(planner)) ? planner.RelationsIn(Source(planner)) : [];

    /// <summary>The source language first, then the other test languages in order.</summary>
    private static IReadOnlyList<string> Targets(ConditionPlanner planner) =>
        [Source(planner), .. planner.TestLanguages.Where(l => l != Source(planner))];

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        var relations = Relations(planner);
        if (relations.Count == 0) yield break;
        yield return planner.Clean();
        foreach (string rel in relations)
        {
            yield return planner.Deactivated(rel, Source(planner));
            foreach (long seed in planner.Seeds) yield return planner.Random(rel, Source(planner), seed);
        }
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        string source = Source(planner);
        var relations = Relations(planner);
        var targets = Targets(planner);
        if (relations.Count == 0)
        {
            string reason = $"no relation has a neuron set and test prompts in the source language '{source}'";
            return (new MultilingualResult(planner.Options.Statistics, source, targets, [], [], reason), reason);
        }
        var clean = evaluation(planner.Clean());
        var entries = new List<TransferEntry>();
        var notes = new List<string>();
        foreach (string rel in relations)
        {
            int size = planner.Inputs.Sets.Get(rel, source).Count;
            var deactivated = evaluation(planner.Deactivated(rel, source));
            var random = planner.Seeds.Select(s => new SeededEvaluation(s, evaluation(planner.Random(rel, source, s)))).ToArray();
            foreach (string lang in targets)
            {
                // A relation without a translation into this language is left out of its bars, with a note.
                if (!planner.HasTestPrompts(rel, lang)) { notes.Add($"{rel}: no test prompts in '{lang}'; left out for '{lang}'"); continue; }
                var entry = IntraRelationBuilder.Build(rel, lang, size, clean, deactivated, random, planner.Options.Statistics, "transfer_from_" + source);
                entries.Add(new TransferEntry(rel, lang, size, entry.AllFacts));
            }
        }
        string? skipped = targets.Count < 2 ? $"test prompts exist only in '{source}': nothing to transfer to" : null;
        return (new MultilingualResult(planner.Options.Statistics, source, targets, entries, notes, skipped), skipped);
    }
}
