using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Hooks;
using RelationNeurons.Models;

namespace RelationNeurons.Tests.Experiments.Runners;

/// <summary>
/// A world whose "model" is a rule, so every experiment's expected numbers can be worked out by
/// hand. Relations A, B, C in en and de, 10 test facts each; facts 0-7 are recalled by the clean
/// model, 8-9 are not. Fact i of relation r (either language) depends on one MLP unit of layer 1,
/// index 10·r + i, and is lost when that unit is in the intervention. Each relation's set (in both
/// languages) is its 10 units, ranked by fact index. Interference: fact 9 of B (clean: wrong)
/// becomes right when unit 0 (A's top unit) is deactivated.
/// As a text probe: a text's first character names its relation, and every token of it costs
/// 1 + 0.1 × (units of that relation in the intervention) nats, one token per character; a
/// continuation is <see cref="ContinuationOf"/> the prompt's fact index.
/// </summary>
internal sealed class RuleWorld : IConditionEvaluator, ITextProbe
{
    public static readonly string[] Relations = ["A", "B", "C"];
    public static readonly string[] Languages = ["de", "en"];
    public const int Facts = 10;
    public static readonly HookPoint Tap = new(1, TapKind.MlpPost);

    public static LlamaConfig Config { get; } = new()
    {
        HiddenSize = 16, IntermediateSize = 64, NumHiddenLayers = 3, NumAttentionHeads = 2, NumKeyValueHeads = 2, VocabSize = 300,
    };

    public List<string> Calls { get; } = [];
    /// <summary>The prompt lists <see cref="Prepare"/> was given.</summary>
    public List<IReadOnlyList<Prompt>> Prepared { get; } = [];

    public void Prepare(IReadOnlyList<Prompt> prompts) { lock (Prepared) Prepared.Add(prompts); }

    public static IReadOnlyList<Prompt> TestPrompts { get; } =
        (from lang in Languages
         from rel in Relations
         from i in Enumerable.Range(0, Facts)
         select new Prompt
         {
             Relation = rel, Language = lang, FactId = $"f{i:D2}", TemplateIndex = 0, Template = "{} ?", Subject = $"{rel}{i}",
             Object = "x", Text = $"{rel}{i} ({lang}) ?", Answers = ["x"], Split = PromptSplit.Test,
         }).ToArray();

    public static NeuronId Unit(string relation, int fact) => new(Tap, 10 * Array.IndexOf(Relations, relation) + fact);

    public static NeuronSetCollection Sets { get; } = new(
        from lang in Languages
        from rel in Relations
        select new RankedNeuronSet(rel, lang, Enumerable.Range(0, Facts).Select(i => Unit(rel, i)).ToArray()));

    public static ExperimentInputs Inputs => new(Config, TestPrompts, Sets);

    public static bool Outcome(Prompt p, IReadOnlySet<NeuronId> units)
    {
        int i = int.Parse(p.FactId[1..]);
        if (i >= 8) return p.Relation == "B" && i == 9 && units.Contains(Unit("A", 0));
        return !units.Contains(Unit(p.Relation, i));
    }

    /// <summary>(prompt, new tokens, units off) of every <see cref="Continue"/> call.</summary>
    public List<(string Prompt, int Tokens, int Units)> Continued { get; } = [];

    public static double NatsPerToken(string text, IReadOnlyCollection<NeuronId> units)
    {
        string rel = text[..1];
        return 1 + 0.1 * Enumerable.Range(0, Facts).Count(i => units.Contains(Unit(rel, i)));
    }

    public PerplexityResult Perplexity(IReadOnlyList<string> texts, Intervention? intervention)
    {
        var units = (intervention?.Neurons ?? []).ToHashSet();
        return new PerplexityResult(texts.Select(t => new TextPerplexity(t.Length, t.Length * NatsPerToken(t, units))).ToArray());
    }

    /// <summary>Fact 0 repeats its subject, 1 answers "The", 2 "A.", the others something else.</summary>
    public static string ContinuationOf(int fact) => fact switch
    {
        0 => "{subject} is a thing",
        1 => "The answer is unknown",
        2 => "A. none of these",
        _ => "zzz",
    };

    public IReadOnlyList<string> Continue(IReadOnlyList<string> prompts, Intervention? intervention, int maxNewTokens)
    {
        lock (Continued) foreach (string p in prompts) Continued.Add((p, maxNewTokens, intervention?.Count ?? 0));
        return prompts.Select(p =>
        {
            var prompt = TestPrompts.First(t => t.Text == p);
            return ContinuationOf(int.Parse(prompt.FactId[1..])).Replace("{subject}", prompt.Subject);
        }).ToArray();
    }

    public EvaluationResult Evaluate(string condition, IReadOnlyList<Prompt> prompts, Intervention? intervention)
    {
        lock (Calls) Calls.Add(condition);
        var units = (intervention?.Neurons ?? []).ToHashSet();
        return EvaluationResult.Create(condition, prompts.Select(p =>
        {
            bool ok = Outcome(p, units);
            return new PromptOutcome(p.Relation, p.Language, p.FactId, p.Text, ok ? "x" : "y", ok);
        }).ToArray());
    }
}
