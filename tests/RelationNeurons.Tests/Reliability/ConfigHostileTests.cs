using System.Text;
using CsCheck;
using RelationNeurons.Models;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>Hostile config.json files: each ends in a UserInputException naming the file, or in a config whose sizes make sense.</summary>
public sealed class ConfigHostileTests(ITestOutputHelper output)
{
    private const string Seed = "0N0XIzNsQ0O2";
    private const string Source = "hostile/config.json";

    /// <summary>A Llama-2 style config (stories260k), a Llama-3 style one (list of EOS ids, llama3 rope scaling, head_dim), a Gemma 2 and a Qwen2 one.</summary>
    internal static readonly string[] ValidConfigs =
    [
        """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":64,"intermediate_size":172,"num_hidden_layers":5,
         "num_attention_heads":8,"num_key_value_heads":4,"vocab_size":512,"max_position_embeddings":512,"rms_norm_eps":1e-05,
         "rope_theta":10000.0,"hidden_act":"silu","tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2,"torch_dtype":"float32"}
        """,
        """
        {"hidden_size":96,"intermediate_size":256,"num_hidden_layers":2,"num_attention_heads":6,"num_key_value_heads":2,"head_dim":16,
         "vocab_size":300,"rope_theta":500000.0,"rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,
         "high_freq_factor":4.0,"original_max_position_embeddings":8192},"tie_word_embeddings":true,"bos_token_id":128000,
         "eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16","hidden_act":"silu"}
        """,
        """
        {"architectures":["Gemma2ForCausalLM"],"model_type":"gemma2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":4,
         "num_attention_heads":4,"num_key_value_heads":2,"head_dim":32,"vocab_size":300,"query_pre_attn_scalar":32,
         "attn_logit_softcapping":50.0,"final_logit_softcapping":30.0,"sliding_window":8,"hidden_activation":"gelu_pytorch_tanh",
         "layer_types":["sliding_attention","full_attention","sliding_attention","full_attention"],"attention_bias":false}
        """,
        """
        {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":3,
         "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":300,"use_sliding_window":true,"sliding_window":16,
         "max_window_layers":1,"rope_theta":1000000.0,"tie_word_embeddings":true,"bos_token_id":null,"eos_token_id":151643}
        """,
    ];

    private static readonly string[] Fields =
    [
        "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "vocab_size",
        "max_position_embeddings", "rms_norm_eps", "rope_theta", "hidden_act", "tie_word_embeddings", "bos_token_id",
        "eos_token_id", "torch_dtype", "head_dim", "rope_scaling", "architectures", "model_type", "query_pre_attn_scalar",
        "attn_logit_softcapping", "final_logit_softcapping", "sliding_window", "layer_types", "use_sliding_window",
        "max_window_layers", "hidden_activation", "attention_bias", "rope_parameters",
    ];

    /// <summary>Parses and checks that an accepted config describes a model the engine can size.</summary>
    private static void ParseAndCheck(string json)
    {
        var c = LlamaConfig.Parse(json, Source);
        Assert.True(c.HiddenSize > 0 && c.IntermediateSize > 0 && c.NumHiddenLayers > 0 && c.VocabSize > 0 && c.MaxPositionEmbeddings > 0);
        Assert.True(c.NumAttentionHeads > 0 && c.NumKeyValueHeads > 0 && c.NumAttentionHeads % c.NumKeyValueHeads == 0);
        Assert.True(c.HeadDim > 0 && c.HeadDim % 2 == 0, $"head dim {c.HeadDim}");
        Assert.True(c.QueryWidth > 0 && c.KeyValueWidth > 0, $"widths {c.QueryWidth}, {c.KeyValueWidth} overflow");
        Assert.True(double.IsFinite(c.RmsNormEps) && double.IsFinite(c.RopeTheta), "non-finite eps or theta accepted");
        LlamaConfig.Parse(c.ToJson(), Source);
    }

    [Fact]
    public void RandomMutations()
    {
        var run = new HostileRun("config.json: random JSON mutations", output);
        Gen.Select(Gen.Int[0, ValidConfigs.Length - 1], JsonMutator.Mutations).Sample((which, ms) =>
        {
            string json = JsonMutator.Apply(ValidConfigs[which], ms);
            run.Case(() => $"config {which} with {string.Join(" ", ms)}: {Shorten(json)}", () => ParseAndCheck(json), Source);
        }, iter: 1500, threads: 1, seed: Seed);
        run.Report(minimumRejected: 800);
    }

    [Fact]
    public void EveryFieldWithEveryWrongValue()
    {
        var run = new HostileRun("config.json: every field x every hostile value", output);
        foreach (string baseJson in ValidConfigs)
            foreach (string field in Fields)
                foreach (string value in JsonMutator.HostileValues)
                {
                    var node = System.Text.Json.Nodes.JsonNode.Parse(baseJson)!.AsObject();
                    node[field] = "\u0001slot\u0001";
                    string json = node.ToJsonString().Replace("\"\\u0001slot\\u0001\"", value, StringComparison.Ordinal);
                    run.Case(() => $"{field} = {Shorten(value)}", () => ParseAndCheck(json), Source);
                }
        foreach (string value in JsonMutator.HostileValues)
            run.Case(() => $"whole file {Shorten(value)}", () => ParseAndCheck(value), Source, mustReject: true);
        run.Report(minimumRejected: 800);
    }

    [Fact]
    public void NonUtf8AndDeepFiles()
    {
        using var temp = new TempDirectory();
        var run = new HostileRun("config.json: non-UTF-8 bytes and deep nesting, through Load", output);
        byte[] valid = Encoding.UTF8.GetBytes(ValidConfigs[1]);
        int n = 0;
        Gen.Select(Gen.Int[0, valid.Length], Gen.Int[0, 100]).Sample((at, variant) =>
        {
            string path = temp[$"c{n++}.json"];
            File.WriteAllBytes(path, JsonMutator.InsertInvalidUtf8(valid, at, variant));
            run.Case(() => $"invalid UTF-8 variant {variant} at byte {at}", () => LlamaConfig.Load(path), path, mustReject: true);
        }, iter: 300, threads: 1, seed: Seed);
        foreach (int depth in new[] { 63, 64, 65, 1000, 200_000 })
        {
            string path = temp[$"deep{depth}.json"];
            File.WriteAllText(path, ValidConfigs[0].Replace("\"torch_dtype\"", "\"x\":" + JsonMutator.Deep(depth) + ",\"torch_dtype\""));
            run.Case(() => $"an unused field nested {depth} deep", () => LlamaConfig.Load(path), path);
        }
        run.Report(minimumRejected: 300);
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + $"... ({s.Length} chars)";
}
