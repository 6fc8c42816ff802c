using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Table 2: the perplexity of r's object sentences with the clean model, with r's neurons off
/// and with each of r's random sets off. It evaluates no prompt: it asks the model (<see cref="ITextProbe"/>)
/// directly, one batched forward pass per condition (<see cref="Passes"/>). The sentences are not
/// prompts, so no prefix cache applies.
/// </summary>
public sealed class PerplexityRunner(ITextProbe? probe) : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Perplexity;

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner) => [];

    /// <summary>One question Table 2 asks the model: the perplexity of a relation's object sentences under one condition.</summary>
    public sealed record Pass(string[] Texts, Intervention? Intervention);

    private static IEnumerable<(string Relation, string Language, string[] Texts)> Groups(ConditionPlanner planner) =>
        from lang in planner.Languages
        from rel in planner.RelationsIn(lang)
        let texts = (planner.Inputs.ObjectSentences ?? []).Where(s => s.Relation == rel && s.Language == lang).Select(s => s.Text).ToArray()
        where texts.Length > 0
        select (rel, lang, texts);

    /// <summary>A relation's passes: clean, its set off, then each random set off.</summary>
    private static Pass[] PassesOf(ConditionPlanner planner, string relation, string language, string[] texts) =>
        [new(texts, null), new(texts, planner.SetIntervention(relation, language)),
         .. planner.Seeds.Select(s => new Pass(texts, planner.RandomIntervention(relation, language, s)))];

    /// <summary>Every pass of the table, in the order <see cref="Build"/> asks them: the items experiments shards share.</summary>
    public static IReadOnlyList<Pass> Passes(ConditionPlanner planner) =>
        Groups(planner).SelectMany(g => PassesOf(planner, g.Relation, g.Language, g.Texts)).ToList();

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var groups = Groups(planner).ToArray();
        string? reason = groups.Length == 0 ? "the relation set has no object_sentences for any relation with a neuron set"
            : probe is null ? "perplexity needs the model (no text probe was given)" : null;
        if (reason is not null) return (new ObjectPerplexityResult([], reason), reason);
        var entries = groups.Select(g =>
        {
            var results = PassesOf(planner, g.Relation, g.Language, g.Texts).Select(p => probe!.Perplexity(p.Texts, p.Intervention)).ToArray();
            var (clean, deactivated) = (results[0], results[1]);
            var random = results[2..].Select(Values).ToArray();
            return new ObjectPerplexityEntry(g.Relation, g.Language, planner.Inputs.Sets.Get(g.Relation, g.Language).Count, g.Texts.Length, clean.Tokens,
                random.Length, Values(clean), Values(deactivated),
                new PerplexityValues(random.Average(r => r.MeanText), random.Average(r => r.Pooled)));
        }).ToList();
        return (new ObjectPerplexityResult(entries, null), null);
    }

    private static PerplexityValues Values(PerplexityResult r) => new(r.MeanTextPerplexity, r.CorpusPerplexity);
}
