namespace RelationNeurons.Analysis;

/// <summary>Which prompts serve as negatives for a relation.</summary>
public enum NegativeScope
{
    /// <summary>Other relations' prompts in the same language (METHOD.md default); one task per relation and language.</summary>
    SameLanguage,
    /// <summary>Other relations' prompts in every language; one task per relation, positives from every language.</summary>
    AllLanguages,
}

/// <summary>
/// One "is r" classification: positives are the prompts of <see cref="Relation"/> (in
/// <see cref="Language"/>, or in every language when it is null); negatives are the other
/// relations' prompts in the same pool. <see cref="Name"/> is the relation alone when the plan has
/// one language, otherwise <c>relation.language</c>.
/// </summary>
public sealed record ExpertiseTask(string Name, string Relation, string? Language, int Positives, int Negatives);

/// <summary>
/// Splits a record's prompts into tasks. Every prompt belongs to exactly one task (its own relation
/// in its own pool) and is a negative for every other task of its pool: that is what lets the
/// scorer compute every task's AP in one pass over one sort per neuron.
/// </summary>
public sealed class ScoringPlan
{
    public IReadOnlyList<ExpertiseTask> Tasks { get; }
    public NegativeScope Scope { get; }
    public int PromptCount => TaskOfPrompt.Length;

    /// <summary>Task index per prompt.</summary>
    internal int[] TaskOfPrompt { get; }
    /// <summary>Pool (language, or the single pool) index per task.</summary>
    internal int[] PoolOfTask { get; }
    internal int PoolCount { get; }
    /// <summary>Prompt count per pool.</summary>
    internal int[] PoolSize { get; }

    private ScoringPlan(IReadOnlyList<ExpertiseTask> tasks, NegativeScope scope, int[] taskOfPrompt, int[] poolOfTask, int[] poolSize)
    {
        Tasks = tasks; Scope = scope; TaskOfPrompt = taskOfPrompt; PoolOfTask = poolOfTask; PoolCount = poolSize.Length; PoolSize = poolSize;
    }

    public int IndexOf(string taskName)
    {
        for (int i = 0; i < Tasks.Count; i++) if (Tasks[i].Name == taskName) return i;
        return -1;
    }

    /// <summary>
    /// Builds the tasks of <paramref name="labels"/>. Every task must have a negative; a task
    /// without one is a user error naming it.
    /// </summary>
    public static ScoringPlan Create(PromptLabels labels, NegativeScope scope = NegativeScope.SameLanguage)
    {
        if (labels.Count == 0) throw new UserInputException("no prompts: the record's labels are empty");
        var languages = labels.Languages;
        bool oneLanguage = languages.Count == 1;
        string[] pools = scope == NegativeScope.AllLanguages ? ["*"] : languages.ToArray();
        string PoolOf(PromptLabel l) => scope == NegativeScope.AllLanguages ? "*" : l.Language;

        // Tasks ordered by relation, then language: stable file names and output order.
        var keys = labels.All.Select(l => (l.Relation, Pool: PoolOf(l))).Distinct()
            .OrderBy(k => k.Relation, StringComparer.Ordinal).ThenBy(k => k.Pool, StringComparer.Ordinal).ToList();
        var taskIndex = new Dictionary<(string, string), int>();
        for (int i = 0; i < keys.Count; i++) taskIndex[keys[i]] = i;

        var taskOfPrompt = new int[labels.Count];
        var positives = new int[keys.Count];
        var poolSize = new int[pools.Length];
        for (int p = 0; p < labels.Count; p++)
        {
            int t = taskIndex[(labels[p].Relation, PoolOf(labels[p]))];
            taskOfPrompt[p] = t;
            positives[t]++;
            poolSize[Array.IndexOf(pools, keys[t].Pool)]++;
        }

        var poolOfTask = new int[keys.Count];
        var tasks = new ExpertiseTask[keys.Count];
        for (int t = 0; t < keys.Count; t++)
        {
            var (relation, pool) = keys[t];
            poolOfTask[t] = Array.IndexOf(pools, pool);
            string? language = scope == NegativeScope.AllLanguages ? null : pool;
            string name = language is null || oneLanguage ? relation : $"{relation}.{language}";
            int negatives = poolSize[poolOfTask[t]] - positives[t];
            if (negatives == 0)
            {
                string where = language is null ? "" : $" in language '{language}'";
                throw new UserInputException(
                    $"relation '{relation}' has no negatives{where}: every prompt{where} belongs to it; " +
                    (scope == NegativeScope.SameLanguage && !oneLanguage ? "add other relations in that language or use --all-languages" : "add prompts of other relations"));
            }
            tasks[t] = new ExpertiseTask(name, relation, language, positives[t], negatives);
        }
        return new ScoringPlan(tasks, scope, taskOfPrompt, poolOfTask, poolSize);
    }
}
