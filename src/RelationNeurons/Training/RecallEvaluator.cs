using RelationNeurons.Data;
using RelationNeurons.Inference;
using RelationNeurons.Method;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Training;

/// <summary>Greedy recall of one relation in one language.</summary>
public sealed record RecallScore(string Relation, string Language, int Correct, int Total)
{
    public double Recall => Total == 0 ? double.NaN : (double)Correct / Total;
}

/// <summary>
/// Measures what a saved model knows, through the engine (the path every user of the model takes):
/// the test prompts of the default split (the paper set's P^eva), answered as the paper's
/// protocol answers them: greedy, <see cref="NewTokens"/> new tokens decoded together, correct
/// when the trimmed text is a prefix of an accepted answer (<see cref="AnswerPrefix"/>).
/// </summary>
public static class RecallEvaluator
{
    public static readonly int NewTokens = Protocol.Paper.MaxNewTokens;

    /// <param name="maxFactsPerRelation">evaluate only the first N test facts of each relation and language (a quick sample); null = all</param>
    public static IReadOnlyList<RecallScore> Evaluate(LlamaModel model, ITokenizer tokenizer, RelationSet relations,
        PromptSplitOptions? split = null, int? maxFactsPerRelation = null)
    {
        var test = PromptSplitter.Split(relations, split ?? new PromptSplitOptions()).Test;
        var chosen = test.GroupBy(p => p.RelationKey)
            .SelectMany(g => maxFactsPerRelation is int n ? g.Take(n) : g)
            .ToList();
        var prompts = chosen.Select(p => tokenizer.Encode(p.Text, addBos: true)).ToList();
        var results = model.Generate(prompts, NewTokens);
        var correct = new bool[chosen.Count];
        for (int i = 0; i < chosen.Count; i++)
            correct[i] = AnswerPrefix.IsCorrect(tokenizer.Decode(results[i].NewIds), chosen[i].Answers);
        return chosen.Select((p, i) => (p, ok: correct[i]))
            .GroupBy(x => x.p.RelationKey)
            .Select(g => new RecallScore(g.Key.Id, g.Key.Language, g.Count(x => x.ok), g.Count()))
            .OrderBy(s => s.Language, StringComparer.Ordinal).ThenBy(s => s.Relation, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Recall over all relations of each language.</summary>
    public static IReadOnlyDictionary<string, RecallScore> ByLanguage(IEnumerable<RecallScore> scores) =>
        scores.GroupBy(s => s.Language).ToDictionary(g => g.Key, g => new RecallScore("all", g.Key, g.Sum(s => s.Correct), g.Sum(s => s.Total)));
}
