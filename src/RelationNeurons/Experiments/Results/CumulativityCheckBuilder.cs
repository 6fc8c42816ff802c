namespace RelationNeurons.Experiments.Results;

/// <summary>Counts of the cumulativity check (<see cref="CumulativityCheck"/>) from per-prompt outcomes, and Table 3's averages.</summary>
public static class CumulativityCheckBuilder
{
    /// <param name="smallerOff">per prompt: right with the first <paramref name="from"/> units off</param>
    /// <param name="largerOff">per prompt: right with the first <paramref name="to"/> units off</param>
    /// <param name="differenceOff">per prompt: right with only units from+1 … to off</param>
    public static CumulativityCheck Check(int from, int to, IReadOnlyList<bool> smallerOff, IReadOnlyList<bool> largerOff, IReadOnlyList<bool> differenceOff)
    {
        if (smallerOff.Count != largerOff.Count || smallerOff.Count != differenceOff.Count)
            throw new ArgumentException("the three outcome lists must cover the same prompts");
        int total = 0, affected = 0;
        for (int i = 0; i < smallerOff.Count; i++)
        {
            if (!smallerOff[i] || largerOff[i]) continue;
            total++;
            if (!differenceOff[i]) affected++;
        }
        return new CumulativityCheck(from, to, total, affected, total == 0 ? null : 1 - (double)affected / total);
    }

    /// <summary>Per range, over the curves that have it: macro = mean of defined cumulativities, micro = 1 − ΣAffected / ΣTotal.</summary>
    public static IReadOnlyList<CumulativityRangeSummary> Summarize(IEnumerable<CumulativityCurve> curves) =>
        curves.SelectMany(c => c.Checks ?? []).GroupBy(c => (c.From, c.To)).OrderBy(g => g.Key.From).ThenBy(g => g.Key.To)
            .Select(g =>
            {
                var defined = g.Where(c => c.Cumulativity is not null).ToList();
                int total = g.Sum(c => c.Total), affected = g.Sum(c => c.Affected);
                return new CumulativityRangeSummary(g.Key.From, g.Key.To, g.Count(), total, affected,
                    defined.Count == 0 ? null : defined.Average(c => c.Cumulativity!.Value),
                    total == 0 ? null : 1 - (double)affected / total);
            }).ToList();
}
