using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;
namespace RelationNeurons.Evaluation;

/// <summary>One test prompt evaluated under one condition: what the model generated and whether it counts as recall.</summary>
public sealed record PromptOutcome(
    string Relation,
    string Language,
    string FactId,
    string Prompt,
    string Generated,
    bool Correct);

/// <summary>Accuracy of one (relation, language) group under one condition. Accuracy is a fraction in [0, 1].</summary>
public sealed record GroupAccuracy(string Relation, string Language, int Count, int Correct, double Accuracy);

/// <summary>
/// Every test prompt evaluated under one condition (see <see cref="ConditionLabel"/>), with the per
/// (relation, language) accuracies derived from them. The experiment builders pair two results by
/// (relation, language, fact id, prompt).
/// </summary>
public sealed record EvaluationResult(
    string Condition,
    IReadOnlyList<PromptOutcome> Outcomes,
    IReadOnlyList<GroupAccuracy> Accuracy) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;

    /// <summary>Builds the result and its accuracy table from the outcomes, groups in first-seen order.</summary>
    public static EvaluationResult Create(string condition, IReadOnlyList<PromptOutcome> outcomes)
    {
        var groups = new List<GroupAccuracy>();
        var index = new Dictionary<(string, string), int>();
        var counts = new List<(int Count, int Correct)>();
        foreach (var o in outcomes)
        {
            if (!index.TryGetValue((o.Relation, o.Language), out int i))
            {
                i = counts.Count;
                index[(o.Relation, o.Language)] = i;
                counts.Add((0, 0));
                groups.Add(new GroupAccuracy(o.Relation, o.Language, 0, 0, 0));
            }
            var (n, c) = counts[i];
            counts[i] = (n + 1, c + (o.Correct ? 1 : 0));
        }
        for (int i = 0; i < groups.Count; i++)
        {
            var (n, c) = counts[i];
            groups[i] = groups[i] with { Count = n, Correct = c, Accuracy = (double)c / n };
        }
        return new EvaluationResult(condition, outcomes, groups);
    }

    /// <summary>The accuracy row of one group, or null when the condition evaluated no prompt of it.</summary>
    public GroupAccuracy? AccuracyOf(string relation, string language) =>
        Accuracy.FirstOrDefault(g => g.Relation == relation && g.Language == language);

    /// <summary>The outcomes of one group, in stored order.</summary>
    public IEnumerable<PromptOutcome> OutcomesOf(string relation, string language) =>
        Outcomes.Where(o => o.Relation == relation && o.Language == language);

    /// <summary>The same condition with only one group's outcomes (a deactivation is evaluated on more than its relation).</summary>
    public EvaluationResult Only(string relation, string language) => Create(Condition, OutcomesOf(relation, language).ToArray());
}
