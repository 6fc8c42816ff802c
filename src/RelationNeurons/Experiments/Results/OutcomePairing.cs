using RelationNeurons.Evaluation;
namespace RelationNeurons.Experiments.Results;

/// <summary>An evaluation under a random neuron set, with the seed that drew the set.</summary>
public sealed record SeededEvaluation(long Seed, EvaluationResult Result);

/// <summary>
/// Lines up the outcomes of one (relation, language) group across conditions, by (fact id, prompt)
/// in the clean condition's order, so per-fact comparisons are paired.
/// </summary>
internal sealed class OutcomePairing
{
    private readonly Dictionary<(string, string), int> _index = new();

    public string Relation { get; }
    public string Language { get; }
    public IReadOnlyList<PromptOutcome> Clean { get; }
    public bool[] CleanCorrect { get; }
    public int Count => Clean.Count;

    public OutcomePairing(EvaluationResult clean, string relation, string language)
    {
        Relation = relation;
        Language = language;
        Clean = clean.OutcomesOf(relation, language).ToList();
        if (Clean.Count == 0)
            throw new UserInputException($"condition '{clean.Condition}' has no test prompt of relation '{relation}' in language '{language}'");
        for (int i = 0; i < Clean.Count; i++)
        {
            if (!_index.TryAdd((Clean[i].FactId, Clean[i].Prompt), i))
                throw new UserInputException($"condition '{clean.Condition}' lists fact '{Clean[i].FactId}' with prompt '{Clean[i].Prompt}' twice");
        }
        CleanCorrect = Clean.Select(o => o.Correct).ToArray();
    }

    /// <summary>Correctness under another condition, aligned to the clean order; every clean prompt must be present.</summary>
    public bool[] Align(EvaluationResult other)
    {
        var result = new bool[Count];
        var seen = new bool[Count];
        foreach (var o in other.OutcomesOf(Relation, Language))
        {
            if (_index.TryGetValue((o.FactId, o.Prompt), out int i)) { result[i] = o.Correct; seen[i] = true; }
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
            throw new UserInputException(
                $"condition '{other.Condition}' lacks fact '{Clean[missing].FactId}' (prompt '{Clean[missing].Prompt}') of relation '{Relation}' in language '{Language}' that the clean condition has");
        return result;
    }

    public static double Accuracy(bool[] correct, IEnumerable<int>? subset = null)
    {
        int n = 0, c = 0;
        foreach (int i in subset ?? Enumerable.Range(0, correct.Length)) { n++; if (correct[i]) c++; }
        return n == 0 ? 0 : (double)c / n;
    }
}
