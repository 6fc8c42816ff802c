using RelationNeurons.Randomness;

namespace RelationNeurons.Analysis;

/// <summary>
/// A task's own prompts under the paper's sampled negatives (METHOD.md §4): its positives and
/// <c>perPositive</c> × |positives| prompts drawn without replacement from the other relations'
/// prompts of its pool (its language), all of them when fewer exist. The draw is seeded per task
/// (its own stream), so one relation's sample never depends on another's, and it is a bottom-k
/// sample over per-prompt priorities: each candidate's priority is a hash of the task's stream and
/// the prompt's identity (relation, language, fact id, text), never of its row. A uniform sample
/// all the same, but a pool that gains or loses one prompt (one validation answer that changed
/// between two runs) changes at most one negative, where a shuffle of the rows redrew them all.
/// <see cref="Rows"/> are record rows in ascending order; <see cref="Plan"/> scores them, <see cref="Task"/> is the task there.
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
        var negatives = LowestPriorities(candidates, labels, take, SplitMix64.DeriveSeed(seed, "negatives", t.Relation, t.Language ?? "*"));
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

    /// <summary>
    /// The <paramref name="take"/> candidates with the lowest priorities (ties, which a 64-bit
    /// hash all but never has, by row). A prompt's identity repeated within the record (labels
    /// without fact id or text) is told apart by its occurrence among equal identities.
    /// </summary>
    private static int[] LowestPriorities(List<int> candidates, PromptLabels labels, int take, ulong stream)
    {
        var seen = new Dictionary<PromptLabel, int>();
        var keyed = new (ulong Priority, int Row)[candidates.Count];
        for (int i = 0; i < candidates.Count; i++)
        {
            var l = labels[candidates[i]];
            int occurrence = seen[l] = seen.TryGetValue(l, out int n) ? n + 1 : 0; // a label is its identity: a record of its four fields
            keyed[i] = (SplitMix64.DeriveSeed(stream, l.Relation, l.Language, l.FactId ?? "\0", l.Text ?? "\0",
                occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture)), candidates[i]);
        }
        Array.Sort(keyed);
        return keyed[..take].Select(k => k.Row).ToArray();
    }
}
