using System.Globalization;
using System.Text.Json.Nodes;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference.Families;

/// <summary>
/// What the reference implementation needs to know about a model, stated by the test itself (not
/// read through the engine's config parser): the sizes and every family trait, as the Hugging Face
/// modeling code of that family applies them.
/// </summary>
internal sealed record ReferenceSpec
{
    public required int Hidden { get; init; }
    public required int Intermediate { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int Vocab { get; init; }
    public double Eps { get; init; } = 1e-6;
    public double Theta { get; init; } = 10000;
    public bool Tied { get; init; }
    /// <summary>Gemma: RMSNorm × (1 + w), embeddings × √hidden (float32), GeLU-tanh gate.</summary>
    public bool Gemma { get; init; }
    /// <summary>Gemma 2: post-attention norm on the attention output, pre- and post-feed-forward norms.</summary>
    public bool Sandwich { get; init; }
    public bool QkvBias { get; init; }
    public bool OBias { get; init; }
    public bool QkNorm { get; init; }
    /// <summary>The factor on q·k (head_dim^-0.5, or query_pre_attn_scalar^-0.5).</summary>
    public double Scaling { get; init; }
    public double? AttnCap { get; init; }
    public double? FinalCap { get; init; }
    /// <summary>Per layer: the sliding window (0: full causal attention).</summary>
    public int[] Windows { get; init; } = [];

    public int Window(int layer) => layer < Windows.Length ? Windows[layer] : 0;
}

/// <summary>
/// A small checkpoint of one family for tests: its config.json as written by hand (some keys left
/// out on purpose so that the family's defaults apply), random weights (kept here for the
/// reference), and what the reference should assume.
/// </summary>
internal sealed class FamilyCase
{
    public required string Name { get; init; }
    public required string ConfigJson { get; init; }
    public required ReferenceSpec Spec { get; init; }
    /// <summary>Tensor names in the order written, with values and shapes (values as stored in float32).</summary>
    public List<TensorSpec> Tensors { get; } = [];

    public static readonly string[] Names = ["llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2"];

    public static IEnumerable<object[]> All => Names.Select(n => new object[] { n });

    public static FamilyCase Create(string name, int seed = 7)
    {
        var c = name switch
        {
            "llama" => new FamilyCase
            {
                Name = name,
                ConfigJson = """
                    {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":32,"intermediate_size":40,"num_hidden_layers":2,
                     "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":48,"rms_norm_eps":1e-5,"rope_theta":10000.0,"torch_dtype":"float32"}
                    """,
                Spec = new() { Hidden = 32, Intermediate = 40, Layers = 2, Heads = 4, KvHeads = 2, HeadDim = 8, Vocab = 48, Eps = 1e-5, Scaling = Math.Pow(8, -0.5) },
            },
            // Sliding window on every layer; head_dim, rms_norm_eps and rope_theta from the class defaults.
            "mistral" => new FamilyCase
            {
                Name = name,
                ConfigJson = """
                    {"architectures":["MistralForCausalLM"],"model_type":"mistral","hidden_size":32,"intermediate_size":40,"num_hidden_layers":2,
                     "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":48,"sliding_window":3,"torch_dtype":"float32"}
                    """,
                Spec = new() { Hidden = 32, Intermediate = 40, Layers = 2, Heads = 4, KvHeads = 2, HeadDim = 8, Vocab = 48, Scaling = Math.Pow(8, -0.5), Windows = [3, 3] },
            },
            // q/k/v biases; sliding window from max_window_layers on.
            "qwen2" => new FamilyCase
            {
                Name = name,
                ConfigJson = """
                    {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":32,"intermediate_size":40,"num_hidden_layers":3,
                     "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":48,"rms_norm_eps":1e-6,"rope_theta":1000000.0,
                     "use_sliding_window":true,"sliding_window":3,"max_window_layers":1,"tie_word_embeddings":false,"torch_dtype":"float32"}
                    """,
                Spec = new() { Hidden = 32, Intermediate = 40, Layers = 3, Heads = 4, KvHeads = 2, HeadDim = 8, Vocab = 48, Theta = 1e6, QkvBias = true, Scaling = Math.Pow(8, -0.5), Windows = [0, 3, 3] },
            },
            // Per-head q/k norms, head_dim 16 while hidden/heads is 8, tied head.
            "qwen3" => new FamilyCase
            {
                Name = name,
                ConfigJson = """
                    {"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","hidden_size":32,"intermediate_size":40,"num_hidden_layers":2,
                     "num_attention_heads":4,"num_key_value_heads":2,"head_dim":16,"vocab_size":48,"rope_theta":1000000.0,
                     "tie_word_embeddings":true,"attention_bias":false,"torch_dtype":"float32"}
                    """,
                Spec = new() { Hidden = 32, Intermediate = 40, Layers = 2, Heads = 4, KvHeads = 2, HeadDim = 16, Vocab = 48, Theta = 1e6, Tied = true, QkNorm = true, Scaling = Math.Pow(16, -0.5) },
            },
            // hidden_act "gelu" is ignored (hidden_activation absent: gelu_pytorch_tanh); tied by default; one key/value head.
            "gemma" => new FamilyCase
            {
                Name = name,
                ConfigJson = """
                    {"architectures":["GemmaForCausalLM"],"model_type":"gemma","hidden_size":32,"intermediate_size":48,"num_hidden_layers":2,
                     "num_attention_heads":4,"num_key_value_heads":1,"head_dim":16,"vocab_size":64,"hidden_act":"gelu","torch_dtype":"float32"}
                    """,
                Spec = new() { Hidden = 32, Intermediate = 48, Layers = 2, Heads = 4, KvHeads = 1, HeadDim = 16, Vocab = 64, Tied = true, Gemma = true, Scaling = Math.Pow(16, -0.5) },
            },
            // Small caps so that tanh matters; query_pre_attn_scalar unlike head_dim; layers 0 and 2 slide.
            "gemma2" => new FamilyCase
            {
                Name = name,
                ConfigJson = """
                    {"architectures":["Gemma2ForCausalLM"],"model_type":"gemma2","hidden_size":32,"intermediate_size":48,"num_hidden_layers":3,
                     "num_attention_heads":4,"num_key_value_heads":2,"head_dim":8,"vocab_size":64,"query_pre_attn_scalar":12,
                     "attn_logit_softcapping":1.5,"final_logit_softcapping":2.5,"sliding_window":3,"torch_dtype":"float32"}
                    """,
                Spec = new() { Hidden = 32, Intermediate = 48, Layers = 3, Heads = 4, KvHeads = 2, HeadDim = 8, Vocab = 64, Tied = true, Gemma = true, Sandwich = true, Scaling = Math.Pow(12, -0.5), AttnCap = 1.5, FinalCap = 2.5, Windows = [3, 0, 3] },
            },
            _ => throw new ArgumentException(name),
        };
        c.MakeWeights(seed);
        return c;
    }

    private void MakeWeights(int seed)
    {
        var s = Spec;
        var rng = new Random(seed);
        void Add(string tensor, int rows, int cols, bool norm = false, bool bias = false)
        {
            var values = new float[(long)rows * cols];
            double scale = 1.0 / Math.Sqrt(cols);
            for (int i = 0; i < values.Length; i++)
            {
                double u = rng.NextDouble() * 2 - 1;
                // Gemma stores w for a factor of (1 + w): weights near 0 there, near 1 elsewhere.
                values[i] = norm ? (float)((s.Gemma ? 0 : 1) + 0.2 * u) : bias ? (float)(0.3 * u) : (float)(u * scale * 1.7);
            }
            Tensors.Add(new TensorSpec(tensor, SafetensorsDtype.F32, values, rows == 1 ? [cols] : [rows, cols]));
        }
        int h = s.Hidden, f = s.Intermediate, qw = s.Heads * s.HeadDim, kvw = s.KvHeads * s.HeadDim;
        Add("model.embed_tokens.weight", s.Vocab, h);
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            Add(p + "input_layernorm.weight", 1, h, norm: true);
            Add(p + "self_attn.q_proj.weight", qw, h);
            Add(p + "self_attn.k_proj.weight", kvw, h);
            Add(p + "self_attn.v_proj.weight", kvw, h);
            if (s.QkvBias)
            {
                Add(p + "self_attn.q_proj.bias", 1, qw, bias: true);
                Add(p + "self_attn.k_proj.bias", 1, kvw, bias: true);
                Add(p + "self_attn.v_proj.bias", 1, kvw, bias: true);
            }
            if (s.QkNorm)
            {
                Add(p + "self_attn.q_norm.weight", 1, s.HeadDim, norm: true);
                Add(p + "self_attn.k_norm.weight", 1, s.HeadDim, norm: true);
            }
            Add(p + "self_attn.o_proj.weight", h, qw);
            if (s.OBias) Add(p + "self_attn.o_proj.bias", 1, h, bias: true);
            Add(p + "post_attention_layernorm.weight", 1, h, norm: true);
            if (s.Sandwich)
            {
                Add(p + "pre_feedforward_layernorm.weight", 1, h, norm: true);
                Add(p + "post_feedforward_layernorm.weight", 1, h, norm: true);
            }
            Add(p + "mlp.gate_proj.weight", f, h);
            Add(p + "mlp.up_proj.weight", f, h);
            Add(p + "mlp.down_proj.weight", h, f);
        }
        Add("model.norm.weight", 1, h, norm: true);
        if (!s.Tied) Add("lm_head.weight", s.Vocab, h);
    }

    /// <summary>The tensors as a store in <paramref name="dtype"/> holds them (what the reference must use for that checkpoint).</summary>
    public Dictionary<string, float[]> Values(SafetensorsDtype dtype = SafetensorsDtype.F32) =>
        Tensors.ToDictionary(t => t.Name, t => FixtureCopies.RoundTo(dtype, t.Values), StringComparer.Ordinal);

    /// <summary>Writes the checkpoint (config.json + safetensors, optionally sharded) into <paramref name="folder"/>.</summary>
    public string Write(string folder, SafetensorsDtype dtype = SafetensorsDtype.F32, int shards = 1,
        Func<IEnumerable<TensorSpec>, IEnumerable<TensorSpec>>? edit = null, string? configJson = null)
    {
        var tensors = Tensors.Select(t => t with { Dtype = dtype });
        if (edit is not null) tensors = edit(tensors);
        return FixtureCopies.Write("", folder, tensors, shards, configJson ?? ConfigJson);
    }

    /// <summary>The config with one key set (JSON text for the value) or removed (null).</summary>
    public string ConfigWith(string key, string? jsonValue)
    {
        var o = JsonNode.Parse(ConfigJson)!.AsObject();
        if (jsonValue is null) o.Remove(key);
        else o[key] = JsonNode.Parse(jsonValue);
        return o.ToJsonString();
    }

    /// <summary>Prompts of different lengths, longer than the windows, for this vocabulary.</summary>
    public int[][] Prompts()
    {
        int v = Spec.Vocab;
        int Id(int i) => (i * 7 + 3) % v;
        return
        [
            [1, Id(1), Id(2), Id(3), Id(4), Id(5), Id(6), Id(7), Id(8)],
            [1],
            [1, Id(9), Id(10), Id(11)],
            [1, Id(12), Id(13), Id(14), Id(15), Id(16), Id(17)],
            [2, Id(20), Id(21), Id(22), Id(23), Id(24), Id(25), Id(26), Id(27), Id(28), Id(29), Id(30)],
        ];
    }

    public override string ToString() => Name.ToString(CultureInfo.InvariantCulture);
}
