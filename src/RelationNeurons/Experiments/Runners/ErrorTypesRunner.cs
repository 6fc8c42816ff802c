using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Table 4: r's P^eva prompts that the clean model gets right and that are wrong with r's
/// neurons off (both evaluations shared with the intra-relation experiment) are continued for
/// <see cref="ExperimentOptions.ErrorTypeNewTokens"/> tokens under the same deactivation, resuming
/// from the clean prefix cache, and classified by <see cref="ErrorTypes.Classify"/>.
/// </summary>
public sealed class ErrorTypesRunner(ITextProbe? probe) : IExperimentRunner
{
    public ExperimentKind Kind => ExperimentKind.ErrorTypes;

    public static IEnumerable<(string Relation, string Language)> Pairs(ConditionPlanner planner) =>
        from lang in planner.Languages from rel in planner.RelationsIn(lang) select (rel, lang);

    public IEnumerable<ConditionRequest> Plan(ConditionPlanner planner)
    {
        var pairs = Pairs(planner).ToArray();
        if (pairs.Length == 0) yield break;
        yield return planner.Clean();
        foreach (var (rel, lang) in pairs) yield return planner.Deactivated(rel, lang);
    }

    public (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation)
    {
        int tokens = planner.Options.ErrorTypeNewTokens;
        var pairs = Pairs(planner).ToArray();
        string? reason = pairs.Length == 0 ? "no relation has both a neuron set and test prompts in the same language"
            : probe is null ? "error types need the model (no text probe was given)" : null;
        if (reason is not null) return (new ErrorTypesResult(tokens, [], reason), reason);
        var clean = evaluation(planner.Clean());
        var entries = pairs.Select(p => Entry(p.Relation, p.Language, Continued(planner, clean, evaluation(planner.Deactivated(p.Relation, p.Language)), p.Relation, p.Language, probe!))).ToList();
        return (new ErrorTypesResult(tokens, entries, null), null);
    }

    /// <summary>
    /// r's prompts in A that flip (right under <paramref name="clean"/>, wrong under r's set off),
    /// each continued under that deactivation: one question to <paramref name="probe"/> per relation,
    /// the unit experiments shards share Table 4 by. <paramref name="clean"/> needs only r's prompts in A.
    /// </summary>
    public static IReadOnlyList<FlippedPrompt> Continued(ConditionPlanner planner, EvaluationResult clean, EvaluationResult deactivated,
        string relation, string language, ITextProbe probe)
    {
        var subjects = planner.Inputs.TestPrompts.Where(p => p.Relation == relation && p.Language == language)
            .GroupBy(p => (p.FactId, p.Text)).ToDictionary(g => g.Key, g => g.First().Subject);
        var flipped = ErrorTypes.Flipped(clean.Only(relation, language), deactivated.Only(relation, language), o => subjects[(o.FactId, o.Prompt)], _ => "");
        if (flipped.Count == 0) return flipped;
        var continuations = probe.Continue(flipped.Select(f => f.Prompt).ToArray(), planner.SetIntervention(relation, language), planner.Options.ErrorTypeNewTokens);
        return flipped.Select((f, i) => f with { Continuation = continuations[i] }).ToList();
    }

    /// <summary>The relation's row of <see cref="ErrorTypes.Table"/> as a result entry (all zero when nothing flipped).</summary>
    private static ErrorTypeEntry Entry(string relation, string language, IReadOnlyList<FlippedPrompt> flipped)
    {
        if (ErrorTypes.Table(flipped).SingleOrDefault() is not { } row) return new ErrorTypeEntry(relation, language, 0, 0, 0, 0, 0, []);
        var examples = Enum.GetValues<ErrorType>()
            .SelectMany(t => row.Examples[t].Select(f => new ErrorTypeExample(t, f.FactId, f.Prompt, f.Continuation))).ToList();
        return new ErrorTypeEntry(relation, language, row.Flipped, row.Counts[ErrorType.RepeatsPrompt], row.Counts[ErrorType.StartsWithThe],
            row.Counts[ErrorType.StartsWithA], row.Counts[ErrorType.Other], examples);
    }
}
