using System.Text.Json;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Statistics;
using RelationNeurons.Hooks;
using RelationNeurons.Randomness;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Tests.Experiments;

/// <summary>
/// A deterministic fake run: outcomes drawn from a simple model (a relation's own neurons knock
/// out most of its recall, other relations' and random neurons little) and fed through the real
/// builders. Used to test the result files and the report without the engine.
/// </summary>
internal sealed class SyntheticRun
{
    public static readonly string[] Relations =
        ["country_capital", "person_occupation", "company_ceo", "person_plays_instrument", "landmark_in_country", "product_by_company"];
    public static readonly string[] Languages = ["en", "de", "fr"];
    public const int FactsPerGroup = 30;
    public const int Layers = 8;
    public static readonly StatisticsSettings Statistics = new(1000, 1000, 0.95, 3);

    private static readonly Lazy<SyntheticRun> SharedRun = new(() => new SyntheticRun());

    /// <summary>One run with the default relations for all tests (results are immutable; building one takes a second).</summary>
    public static SyntheticRun Shared => SharedRun.Value;

    public EvaluationResult Clean { get; }
    public IntraRelationResult Intra { get; }
    public InterRelationResult Inter { get; }
    public CumulativityResult Cumulativity { get; }
    public OverlapResult Overlap { get; }
    public CrossLingualResult CrossLingual { get; }
    public RunSummary Summary { get; }

    public SyntheticRun(string[]? relations = null)
    {
        var rels = relations ?? Relations;
        Clean = Evaluate(ConditionLabel.Clean, rels, (_, _, _, c) => c);

        EvaluationResult Deact(string rel, string lang, double strength) =>
            Evaluate(ConditionLabel.Deactivate(ConditionLabel.InLanguage(rel, lang)) + $"/{strength}", rels, (r, l, u, c) =>
            {
                double kill = strength * (r == rel ? (l == lang ? 0.75 : 0.4) : 0.06);
                // Other relations occasionally gain a fact: the interference the report must list.
                return c ? u >= kill : r != rel && u < 0.04;
            });
        EvaluationResult Rand(string rel, string lang, long seed, double strength) =>
            Evaluate(ConditionLabel.Random(ConditionLabel.InLanguage(rel, lang), seed) + $"/{strength}", rels, (_, _, u, c) => c && u >= 0.05 * strength);

        long[] seeds = [1, 2];
        var deactEn = rels.ToDictionary(r => r, r => Deact(r, "en", 1));
        var randEn = rels.ToDictionary(r => r, r => (IReadOnlyList<SeededEvaluation>)seeds.Select(s => new SeededEvaluation(s, Rand(r, "en", s, 1))).ToArray());

        Intra = new IntraRelationResult(Statistics,
            rels.Select(r => IntraRelationBuilder.Build(r, "en", 120, Clean, deactEn[r], randEn[r], Statistics)).ToArray());
        Inter = new InterRelationResult([InterRelationBuilder.Build("en", rels, Clean, deactEn, randEn)]);

        // N/16 … 16·N of a 120-unit set in a 10,000-unit model; the effect grows with the share of 16·N.
        double[] scales = [1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1, 2, 4, 8, 16];
        Cumulativity = new CumulativityResult(rels.Select(r => CumulativityBuilder.Build(r, "en", 120, 1920, 10_000, Clean,
            scales.Select(s => new CumulativityStep(s, (int)Math.Round(120 * s), Deact(r, "en", Math.Sqrt(s / 16)),
                [Rand(r, "en", 1, s / 16), Rand(r, "en", 2, s / 16)])).ToArray())).ToArray());

        Overlap = new OverlapResult([OverlapBuilder.Build("en", rels.Select((r, i) => new RelationNeuronSet(r, NeuronsOf(i))).ToArray(), Layers)]);

        var deact = new Dictionary<(string, string), EvaluationResult>();
        var rand = new Dictionary<(string, string), IReadOnlyList<EvaluationResult>>();
        foreach (var r in rels)
            foreach (var l in Languages)
            {
                deact[(r, l)] = l == "en" ? deactEn[r] : Deact(r, l, 1);
                rand[(r, l)] = [Rand(r, l, 1, 1)];
            }
        CrossLingual = CrossLingualBuilder.Build(Languages, rels, Clean, deact, rand);

        using var config = JsonDocument.Parse("""{"hidden_size": 64, "intermediate_size": 172, "num_hidden_layers": 8}""");
        Summary = new RunSummary(
            new ModelFingerprint("demo-synthetic", config.RootElement.Clone(), new string('a', 64),
                [new FileDigest("model.safetensors", 123456, new string('a', 64))]),
            rels, Languages,
            new Dictionary<string, string> { ["units"] = "mlp", ["selection"] = "both", ["n"] = "120", ["seed"] = "3" },
            [new StageTiming("record", 1.5), new StageTiming("evaluate", 12.25)],
            new VersionInfo("relneurons test", "net10", "linux"),
            "relneurons run --model demo --out run1",
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2025, 1, 2, 3, 9, 5, TimeSpan.Zero));
    }

    /// <summary>Writes every result file into a run folder.</summary>
    public void SaveAll(string dir)
    {
        ResultJson.Save(Path.Combine(dir, RunFiles.Summary), Summary);
        ResultJson.Save(Path.Combine(dir, RunFiles.Intra), Intra);
        ResultJson.Save(Path.Combine(dir, RunFiles.Inter), Inter);
        ResultJson.Save(Path.Combine(dir, RunFiles.Cumulativity), Cumulativity);
        ResultJson.Save(Path.Combine(dir, RunFiles.Overlap), Overlap);
        ResultJson.Save(Path.Combine(dir, RunFiles.CrossLingual), CrossLingual);
        SavePaperAnalyses(dir);
    }

    private static IntraComparison Comparison(string relation, string language)
    {
        var clean = EvaluationResult.Create("clean", Enumerable.Range(0, 10).Select(i => new PromptOutcome(relation, language, $"f{i}", $"p{i}", "g", i < 8)).ToArray());
        var after = EvaluationResult.Create("after", Enumerable.Range(0, 10).Select(i => new PromptOutcome(relation, language, $"f{i}", $"p{i}", "g", i < 2)).ToArray());
        return IntraRelationBuilder.Build(relation, language, 30, clean, after, [new SeededEvaluation(1, clean)], Statistics).AllFacts;
    }

    /// <summary>Fig 7, Fig 8, Table 2, Table 4 and App E with a paper relation (company_ceo), so the report prints the paper's numbers beside them; App E not computed.</summary>
    private static void SavePaperAnalyses(string dir)
    {
        ResultJson.Save(Path.Combine(dir, RunFiles.Multilingual), new MultilingualResult(Statistics, "en", ["en", "de", "ja"],
            [new TransferEntry("company_ceo", "en", 30, Comparison("company_ceo", "en")), new TransferEntry("company_ceo", "de", 30, Comparison("company_ceo", "de"))],
            ["company_ceo: no test prompts in 'ja'; left out for 'ja'"], null));
        ResultJson.Save(Path.Combine(dir, RunFiles.Templates), new TemplatesResult(Statistics,
            [new TemplateEntry("company_ceo", "en", 30, Comparison("company_ceo", "en"), Comparison("company_ceo", "en"))], null));
        ResultJson.Save(Path.Combine(dir, RunFiles.Perplexity), new ObjectPerplexityResult(
            [new ObjectPerplexityEntry("company_ceo", "en", 30, 50, 700, 10, new PerplexityValues(12.5, 11), new PerplexityValues(13.25, 12), new PerplexityValues(12.75, 11.5))], null));
        ResultJson.Save(Path.Combine(dir, RunFiles.ErrorTypes), new ErrorTypesResult(20,
            [new ErrorTypeEntry("company_ceo", "en", 4, 2, 1, 0, 1, [new ErrorTypeExample(ErrorType.RepeatsPrompt, "f1", "The CEO of Acme is? Answer:", "The CEO of Acme is a man")])], null));
        ResultJson.Save(Path.Combine(dir, RunFiles.Frequency), FrequencyResult.NotComputed("en", "no corpus given (no --corpus given and no training_corpus.jsonl beside the model in m)"));
    }

    private static double Uniform(params string[] parts) =>
        new SplitMix64(SplitMix64.DeriveSeed(99, parts)).NextDouble();

    private static EvaluationResult Evaluate(string condition, string[] relations, Func<string, string, double, bool, bool> outcome)
    {
        var list = new List<PromptOutcome>();
        for (int ri = 0; ri < relations.Length; ri++)
        {
            string r = relations[ri];
            foreach (var l in Languages)
                for (int f = 0; f < FactsPerGroup; f++)
                {
                    string id = $"{r}-{f:D3}";
                    bool clean = Uniform("clean", r, l, id) < 0.55 + 0.07 * ri;
                    bool correct = outcome(r, l, Uniform(condition, r, l, id), clean);
                    list.Add(new PromptOutcome(r, l, id, $"[{l}] prompt about {id} →", correct ? " answer" : " wrong", correct));
                }
        }
        return EvaluationResult.Create(condition, list);
    }

    private static NeuronId[] NeuronsOf(int relationIndex)
    {
        // Each relation: 60 neurons of its own, biased to some layers, plus 20 from a shared pool.
        var rng = new SplitMix64((ulong)relationIndex + 17);
        var set = new HashSet<NeuronId>();
        while (set.Count < 60)
        {
            int layer = Math.Min(Layers - 1, (relationIndex % 3) * 2 + rng.NextInt(4) + rng.NextInt(3));
            set.Add(new NeuronId(new HookPoint(layer, TapKind.MlpPost), 1000 * (relationIndex + 1) + rng.NextInt(172)));
        }
        for (int k = 0; k < 20; k++)
        {
            int j = rng.NextInt(40);
            set.Add(new NeuronId(new HookPoint(j % Layers, TapKind.MlpPost), j));
        }
        return set.ToArray();
    }
}
