using System.Text.Json;
using RelationNeurons.Data;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.Training;
using RelationNeurons.Randomness;

namespace RelationNeurons.Tests.Experiments.Runners;

/// <summary>
/// A micro world for the experiment tests, built once per process in a temp folder: a tiny
/// Llama with seeded random weights, a BPE tokenizer trained on its prompts, and three relations
/// in two languages whose accepted answers are what the model itself says for most facts (so the
/// clean model recalls those, and any intervention that changes its output is a visible loss),
/// and a made-up word for the rest (facts the model gets wrong).
/// </summary>
internal sealed class MicroWorld
{
    public static readonly string[] Languages = ["de", "en"];
    public static readonly string[] RelationIds = ["colour_of", "home_of", "sound_of"];
    public const int FactsPerRelation = 12;

    private static readonly Lazy<MicroWorld> Shared = new(() => new MicroWorld());
    public static MicroWorld Instance => Shared.Value;

    public string Root { get; }
    public string ModelFolder { get; }
    public string RelationsFolder { get; }
    public LlamaConfig Config { get; }

    private static readonly Dictionary<string, (string En, string De)> Templates = new()
    {
        ["colour_of"] = ("The colour of {} is", "Die Farbe von {} ist"),
        ["home_of"] = ("The home of {} is", "Das Zuhause von {} ist"),
        ["sound_of"] = ("The sound of {} is", "Der Klang von {} ist"),
    };

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ru", "te", "zo", "bel", "dan", "fir", "gu", "hox", "pim"];

    private MicroWorld()
    {
        Root = Path.Combine(Path.GetTempPath(), "relneurons-micro-" + Guid.NewGuid().ToString("N"));
        ModelFolder = Path.Combine(Root, "model");
        RelationsFolder = Path.Combine(Root, "relations");
        Directory.CreateDirectory(ModelFolder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(Root, true); } catch (IOException) { } };

        var subjects = new Dictionary<string, string[]>();
        var rng = new SplitMix64(11);
        foreach (string rel in RelationIds)
            subjects[rel] = Enumerable.Range(0, FactsPerRelation)
                .Select(_ => Syllables[rng.NextInt(Syllables.Length)] + Syllables[rng.NextInt(Syllables.Length)] + Syllables[rng.NextInt(Syllables.Length)]).ToArray();

        var texts = new List<string>();
        foreach (var (rel, (en, de)) in Templates)
            foreach (string s in subjects[rel]) { texts.Add(Prompt.Fill(en, s)); texts.Add(Prompt.Fill(de, s)); }
        texts.AddRange(Syllables.Select(s => s + " " + s + "n"));
        var vocab = BpeTrainer.Train(texts, 360, new BpeTrainerOptions { MinPairFrequency = 1 });
        SentencePieceStyleTokenizerWriter.Write(vocab, ModelFolder);
        var tokenizer = TokenizerLoader.Load(ModelFolder);

        Config = new LlamaConfig
        {
            HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 3, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = tokenizer.VocabSize, MaxPositionEmbeddings = 64,
        };
        WriteRandomWeights(Config, Path.Combine(ModelFolder, "model.safetensors"), 5);
        File.WriteAllText(Path.Combine(ModelFolder, "config.json"), Config.ToJson());

        // The model's own first word on each prompt becomes the accepted answer (3 in 4 facts).
        using var model = LlamaModel.Load(ModelFolder);
        var matcher = AnswerMatcher.Default;
        foreach (string lang in Languages)
        {
            Directory.CreateDirectory(Path.Combine(RelationsFolder, lang));
            foreach (string rel in RelationIds)
            {
                string template = lang == "en" ? Templates[rel].En : Templates[rel].De;
                var prompts = subjects[rel].Select(s => tokenizer.Encode(Prompt.Fill(template, s), true)).ToArray();
                var outputs = model.Generate(prompts, 8);
                var samples = new List<object>();
                for (int i = 0; i < FactsPerRelation; i++)
                {
                    string text = tokenizer.Decode(outputs[i].NewIds.Where(t => !Config.EosTokenIds.Contains(t)).ToArray());
                    string first = matcher.Normalize(RelationNeurons.Evaluation.ContinuationScorer.FirstLine(text), lang).Split(' ')[0];
                    string answer = i % 4 == 3 || first.Length == 0 ? "quux" + i : first;
                    samples.Add(new { id = $"f{i:D2}", subject = subjects[rel][i], @object = answer, answers = new[] { answer } });
                }
                var file = new { id = rel, name = rel.Replace('_', ' '), language = lang, prompt_templates = new[] { template }, samples };
                File.WriteAllText(Path.Combine(RelationsFolder, lang, rel + ".json"), JsonSerializer.Serialize(file));
            }
        }
    }

    public LlamaModel LoadModel() => LlamaModel.Load(ModelFolder);

    public ITokenizer LoadTokenizer() => TokenizerLoader.Load(ModelFolder);

    public RelationSet Relations => RelationReader.Load(RelationsFolder);

    /// <summary>Test prompts of the default split (25 % of facts held out: 3 per relation and language).</summary>
    public IReadOnlyList<Prompt> TestPrompts => PromptSplitter.Split(Relations, new PromptSplitOptions()).Test;

    /// <summary>Every fact as a test prompt (for evaluator tests that want more prompts).</summary>
    public IReadOnlyList<Prompt> AllPrompts =>
        Relations.All.SelectMany(r => r.Samples.Select(s => new Prompt
        {
            Relation = r.Id, Language = r.Language, FactId = s.Id, TemplateIndex = 0, Template = r.PromptTemplates[0],
            Subject = s.Subject, Object = s.Object, Text = Prompt.Fill(r.PromptTemplates[0], s.Subject), Answers = s.Answers, Split = PromptSplit.Test,
        })).ToArray();

    private static void WriteRandomWeights(LlamaConfig c, string path, ulong seed)
    {
        var rng = new SplitMix64(seed);
        float[] Normal(int n, double std)
        {
            var a = new float[n];
            for (int i = 0; i < n; i++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                a[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return a;
        }
        float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();
        int h = c.HiddenSize, f = c.IntermediateSize, v = c.VocabSize, q = c.QueryWidth, kv = c.KeyValueWidth;
        var w = new SafetensorsWriter();
        w.AddF32("model.embed_tokens.weight", Normal(v * h, 1.0), v, h);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"model.layers.{l}.";
            w.AddF32(p + "input_layernorm.weight", Ones(h), h);
            w.AddF32(p + "self_attn.q_proj.weight", Normal(q * h, 0.3), q, h);
            w.AddF32(p + "self_attn.k_proj.weight", Normal(kv * h, 0.3), kv, h);
            w.AddF32(p + "self_attn.v_proj.weight", Normal(kv * h, 0.3), kv, h);
            w.AddF32(p + "self_attn.o_proj.weight", Normal(h * q, 0.3), h, q);
            w.AddF32(p + "post_attention_layernorm.weight", Ones(h), h);
            w.AddF32(p + "mlp.gate_proj.weight", Normal(f * h, 0.3), f, h);
            w.AddF32(p + "mlp.up_proj.weight", Normal(f * h, 0.3), f, h);
            w.AddF32(p + "mlp.down_proj.weight", Normal(h * f, 0.3), h, f);
        }
        w.AddF32("model.norm.weight", Ones(h), h);
        w.AddF32("lm_head.weight", Normal(v * h, 0.5), v, h);
        w.Save(path);
    }
}
