using RelationNeurons.Randomness;

namespace RelationNeurons.Analysis;

/// <summary>
/// A task's own prompts under the paper's sampled negatives (METHOD.md §4): its positives and
/// <c>perPositive</c> × |positives| prompts drawn without replacement from the other relations'
/// prompts of its pool (its language), all of them when fewer exist. The draw is seeded per task
/// (its own stream), so one relation's sample never depends on another's. <see cref="Rows"/> are
/// record rows in ascending order; <see cref="Plan"/> scores them, <see cref="Task"/> is the task there.
/// </summary>
internal sealed record NegativeSample(int[] Rows, int[] PositivePrompts, int[] Negatives, ScoringPlan Plan, int Task, string? Note)
{
    public static NegativeSample Draw(ScoringPlan plan, PromptLabels labels, int task, int perPositive, ulong seed)
    {
        var t = plan.Tasks[task];
        var positives = new List<int>();
        var candidates = new List<int>();
        for (int p = 0; p < plan.PromptCount; p++)
        {
            int owner = plan.TaskOfPrompt[p];
            if (owner == task) positives.Add(p);
            else if (plan.PoolOfTask[owner] == plan.PoolOfTask[task]) candidates.Add(p);
        }
        long wanted = (long)perPositive * positives.Count;
        int take = (int)Math.Min(wanted, candidates.Count);
        var rng = new SplitMix64(SplitMix64.DeriveSeed(seed, "negatives", t.Relation, t.Language ?? "*"));
        var pool = candidates.ToArray();
        for (int i = 0; i < take; i++)
        {
            int j = i + rng.NextInt(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        var negatives = pool[..take];
        Array.Sort(negatives);
        var rows = positives.Concat(negatives).Order().ToArray();
        var sub = new PromptLabels(rows.Select(r => labels[r] with { Relation = plan.TaskOfPrompt[r] == task ? t.Relation : "\u0001other" }));
        var subPlan = ScoringPlan.Create(sub, plan.Scope);
        int index = Enumerable.Range(0, subPlan.Tasks.Count).Single(i => subPlan.Tasks[i].Relation == t.Relation);
        string? note = take < wanted
            ? $"{t.Name}: {candidates.Count} other-relation prompts available, fewer than {perPositive} × {positives.Count} positives; all taken"
            : null;
        return new NegativeSample(rows, [.. positives], negatives, subPlan, index, note);
    }
}
