using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Table 2: the perplexity of r's object sentences with the clean model, with r's neurons off
/// and with each of r's random sets off. It evaluates no prompt: it asks the model (<see cref="ITextProbe"/>)
/// directly, one batched forward pass per condition. The sentences are not prompts, so no prefix
/// cache applies.
/// </summary>
public sealed class PerplexityRunner(ITextProbe? probe) : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.Perplexity;

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner) => [];

    private static IEnumerable<(string Relation, string Language, string[] Texts)> Groups(ConditionPlanner planner) =>
        from lang in planner.Languages
        from rel in planner.RelationsIn(lang)
        let texts = (planner.Inputs.ObjectSentences ?? []).Where(s => s.Relation == rel && s.Language == lang).Select(s => s.Text).ToArray()
        where texts.Length > 0
        select (rel, lang, texts);

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        var groups = Groups(planner).ToArray();
        string? reason = groups.Length == 0 ? "the relation set has no object_sentences for any relation with a neuron set"
            : probe is null ? "perplexity needs the model (no text probe was given)" : null;
        if (reason is not null) return (new ObjectPerplexityResult([], reason), reason);
        var entries = groups.Select(g =>
        {
            var clean = probe!.Perplexity(g.Texts, null);
            var deactivated = probe.Perplexity(g.Texts, planner.SetIntervention(g.Relation, g.Language));
            var random = planner.Seeds.Select(s => Values(probe.Perplexity(g.Texts, planner.RandomIntervention(g.Relation, g.Language, s)))).ToArray();
            return new ObjectPerplexityEntry(g.Relation, g.Language, planner.Inputs.Sets.Get(g.Relation, g.Language).Count, g.Texts.Length, clean.Tokens,
                random.Length, Values(clean), Values(deactivated),
                new PerplexityValues(random.Average(r => r.MeanText), random.Average(r => r.Pooled)));
        }).ToList();
        return (new ObjectPerplexityResult(entries, null), null);
    }

    private static PerplexityValues Values(PerplexityResult r) => new(r.MeanTextPerplexity, r.CorpusPerplexity);
}
