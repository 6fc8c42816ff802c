using System.Text.Json;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Cli;
using RelationNeurons.Tests.Models;

namespace RelationNeurons.Tests.Inference.Families;

/// <summary>
/// config.json of each family: the HF configuration classes' defaults for absent keys, the traits
/// they resolve to, and user errors that name the key or the tensor for missing, contradictory or
/// out-of-range input; info and refusal through the CLI.
/// </summary>
public sealed class FamilyConfigTests
{
    private const string Sizes = "\"hidden_size\":32,\"intermediate_size\":40,\"num_hidden_layers\":4,\"num_attention_heads\":4,\"vocab_size\":50";

    private static LlamaConfig Parse(string architecture, string extra = "") =>
        LlamaConfig.Parse($$"""{"architectures":["{{architecture}}"],{{Sizes}}{{extra}}}""", "test/config.json");

    private static UserInputException Refused(string json) =>
        Assert.Throws<UserInputException>(() => LlamaConfig.Parse(json, "test/config.json"));

    [Fact]
    public void AbsentKeysTakeEachFamilysClassDefaults()
    {
        var llama = Parse("LlamaForCausalLM", ",\"num_key_value_heads\":2");
        Assert.Equal((ModelFamily.Llama, 8, false, 1, 2, 10000.0, 1e-6, MlpActivation.Silu), (llama.Family, llama.HeadDim, llama.TieWordEmbeddings, llama.BosTokenId, llama.EosTokenIds.Single(), llama.RopeTheta, llama.RmsNormEps, llama.Activation));
        Assert.Equal(4, Parse("LlamaForCausalLM").NumKeyValueHeads);   // absent: as many as the query heads

        var mistral = Parse("MistralForCausalLM", ",\"num_key_value_heads\":2");
        Assert.Equal((ModelFamily.Mistral, 8, false, 4096), (mistral.Family, mistral.HeadDim, mistral.TieWordEmbeddings, mistral.SlidingWindow));
        Assert.All(Enumerable.Range(0, 4), l => Assert.Equal(4096, mistral.AttentionWindow(l)));
        Assert.Null(Parse("MistralForCausalLM", ",\"num_key_value_heads\":2,\"sliding_window\":null").SlidingWindow);
        // Mistral's class default is 8 key/value heads: 4 query heads cannot share them.
        Assert.Contains("num_key_value_heads (8)", Refused($$"""{"architectures":["MistralForCausalLM"],{{Sizes}}}""").Message);

        var qwen2 = Parse("Qwen2ForCausalLM", ",\"num_key_value_heads\":2");
        Assert.Equal((true, false, false, (int?)null, -1, 0), (qwen2.QkvBias, qwen2.OutputBias, qwen2.TieWordEmbeddings, qwen2.SlidingWindow, qwen2.BosTokenId, qwen2.EosTokenIds.Count));
        var qwen2Sliding = Parse("Qwen2ForCausalLM", ",\"num_key_value_heads\":2,\"use_sliding_window\":true,\"max_window_layers\":2");
        Assert.Equal([0, 0, 4096, 4096], Enumerable.Range(0, 4).Select(qwen2Sliding.AttentionWindow));

        var qwen3 = Parse("Qwen3ForCausalLM", ",\"num_key_value_heads\":2");
        Assert.Equal((128, true, false, false), (qwen3.HeadDim, qwen3.QkNorm, qwen3.QkvBias, qwen3.TieWordEmbeddings));
        Assert.Equal((true, true), (Parse("Qwen3ForCausalLM", ",\"num_key_value_heads\":2,\"attention_bias\":true").QkvBias, Parse("Qwen3ForCausalLM", ",\"num_key_value_heads\":2,\"attention_bias\":true").OutputBias));

        // Gemma: hidden_act is ignored, hidden_activation absent means gelu_pytorch_tanh; tied; BOS 2, EOS 1; head_dim 256.
        var gemma = Parse("GemmaForCausalLM", ",\"num_key_value_heads\":1,\"hidden_act\":\"gelu\"");
        Assert.Equal((MlpActivation.GeluTanh, true, true, true, 2, 1, 256), (gemma.Activation, gemma.TieWordEmbeddings, gemma.NormWeightPlusOne, gemma.ScaleEmbeddings, gemma.BosTokenId, gemma.EosTokenIds.Single(), gemma.HeadDim));
        Assert.Contains("num_key_value_heads (16)", Refused($$"""{"architectures":["GemmaForCausalLM"],{{Sizes}}}""").Message);

        var gemma2 = Parse("Gemma2ForCausalLM", ",\"num_key_value_heads\":2");
        Assert.Equal((256.0, 50.0, 30.0, 4096, true), (gemma2.QueryPreAttnScalar, gemma2.AttnLogitSoftcapping, gemma2.FinalLogitSoftcapping, gemma2.SlidingWindow, gemma2.SandwichNorms));
        Assert.Equal([4096, 0, 4096, 0], Enumerable.Range(0, 4).Select(gemma2.AttentionWindow));
        Assert.Equal((float)Math.Pow(256, -0.5), gemma2.AttentionScale);
        var uncapped = Parse("Gemma2ForCausalLM", ",\"num_key_value_heads\":2,\"attn_logit_softcapping\":null,\"final_logit_softcapping\":null");
        Assert.Equal(((double?)null, (double?)null), (uncapped.AttnLogitSoftcapping, uncapped.FinalLogitSoftcapping));
        var types = Parse("Gemma2ForCausalLM", ",\"num_key_value_heads\":2,\"layer_types\":[\"full_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\"]");
        Assert.Equal([0, 0, 4096, 0], Enumerable.Range(0, 4).Select(types.AttentionWindow));

        // model_type alone names the family; transformers 5 keeps rope_theta in rope_parameters.
        var byType = LlamaConfig.Parse($$$"""{"model_type":"qwen3",{{{Sizes}}},"num_key_value_heads":2,"rope_parameters":{"rope_type":"default","rope_theta":1000000.0}}""");
        Assert.Equal((ModelFamily.Qwen3, 1e6), (byType.Family, byType.RopeTheta));
    }

    /// <summary>The config.json files of released checkpoints (keys as published, extra keys included).</summary>
    [Theory]
    [InlineData("""{"architectures":["Qwen2ForCausalLM"],"attention_dropout":0.0,"bos_token_id":151643,"eos_token_id":151643,"hidden_act":"silu","hidden_size":896,"initializer_range":0.02,"intermediate_size":4864,"max_position_embeddings":32768,"max_window_layers":24,"model_type":"qwen2","num_attention_heads":14,"num_hidden_layers":24,"num_key_value_heads":2,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"sliding_window":32768,"tie_word_embeddings":true,"torch_dtype":"bfloat16","transformers_version":"4.40.1","use_cache":true,"use_sliding_window":false,"vocab_size":151936}""",
        "Qwen2ForCausalLM", 64, "SiLU gate (SwiGLU); q/k/v bias; tied LM head")]
    [InlineData("""{"architectures":["Qwen3ForCausalLM"],"attention_bias":false,"attention_dropout":0.0,"bos_token_id":151643,"eos_token_id":151645,"head_dim":128,"hidden_act":"silu","hidden_size":1024,"initializer_range":0.02,"intermediate_size":3072,"max_position_embeddings":40960,"max_window_layers":28,"model_type":"qwen3","num_attention_heads":16,"num_hidden_layers":28,"num_key_value_heads":8,"rms_norm_eps":1e-06,"rope_scaling":null,"rope_theta":1000000,"sliding_window":null,"tie_word_embeddings":true,"torch_dtype":"bfloat16","transformers_version":"4.51.0","use_cache":true,"use_sliding_window":false,"vocab_size":151936}""",
        "Qwen3ForCausalLM", 128, "SiLU gate (SwiGLU); q/k RMSNorm per head; tied LM head")]
    [InlineData("""{"architectures":["MistralForCausalLM"],"bos_token_id":1,"eos_token_id":2,"hidden_act":"silu","hidden_size":4096,"initializer_range":0.02,"intermediate_size":14336,"max_position_embeddings":32768,"model_type":"mistral","num_attention_heads":32,"num_hidden_layers":32,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":10000.0,"sliding_window":4096,"tie_word_embeddings":false,"torch_dtype":"bfloat16","transformers_version":"4.34.0.dev0","use_cache":true,"vocab_size":32000}""",
        "MistralForCausalLM", 128, "SiLU gate (SwiGLU); sliding window 4096 on 32 of 32 layers")]
    [InlineData("""{"architectures":["GemmaForCausalLM"],"attention_bias":false,"attention_dropout":0.0,"bos_token_id":2,"eos_token_id":1,"head_dim":256,"hidden_act":"gelu","hidden_activation":"gelu_pytorch_tanh","hidden_size":2048,"initializer_range":0.02,"intermediate_size":16384,"max_position_embeddings":8192,"model_type":"gemma","num_attention_heads":8,"num_hidden_layers":18,"num_key_value_heads":1,"pad_token_id":0,"rms_norm_eps":1e-06,"rope_scaling":null,"rope_theta":10000.0,"torch_dtype":"bfloat16","transformers_version":"4.38.0.dev0","use_cache":true,"vocab_size":256000}""",
        "GemmaForCausalLM", 256, "GeLU-tanh gate (GeGLU); RMSNorm × (1 + weight); embeddings × √hidden; tied LM head")]
    [InlineData("""{"architectures":["Gemma2ForCausalLM"],"attention_bias":false,"attention_dropout":0.0,"attn_logit_softcapping":50.0,"bos_token_id":2,"cache_implementation":"hybrid","eos_token_id":[1,107],"final_logit_softcapping":30.0,"head_dim":256,"hidden_act":"gelu_pytorch_tanh","hidden_activation":"gelu_pytorch_tanh","hidden_size":2304,"initializer_range":0.02,"intermediate_size":9216,"max_position_embeddings":8192,"model_type":"gemma2","num_attention_heads":8,"num_hidden_layers":26,"num_key_value_heads":4,"pad_token_id":0,"query_pre_attn_scalar":256,"rms_norm_eps":1e-06,"rope_theta":10000.0,"sliding_window":4096,"torch_dtype":"float32","transformers_version":"4.42.4","use_cache":true,"vocab_size":256000}""",
        "Gemma2ForCausalLM", 256, "GeLU-tanh gate (GeGLU); RMSNorm × (1 + weight); embeddings × √hidden; post-attention, pre- and post-feed-forward norms; attention scale query_pre_attn_scalar^-0.5 (256); attention soft-cap 50; final logit soft-cap 30; sliding window 4096 on 13 of 26 layers; tied LM head")]
    public void ReleasedConfigsParseToTheirTraits(string json, string architecture, int headDim, string features)
    {
        var c = LlamaConfig.Parse(json, "released/config.json");
        Assert.Equal(architecture, c.Architecture);
        Assert.Equal(headDim, c.HeadDim);
        Assert.Equal(features, string.Join("; ", c.Features));
    }

    [Fact]
    public void EveryFamilyRoundTripsThroughItsOwnConfigJson()
    {
        foreach (string name in FamilyCase.Names)
        {
            var parsed = LlamaConfig.Parse(FamilyCase.Create(name).ConfigJson);
            var again = LlamaConfig.Parse(parsed.ToJson());
            Assert.Equal(parsed.Features, again.Features);
            Assert.Equal((parsed.Family, parsed.HeadDim, parsed.TieWordEmbeddings, parsed.HiddenAct, parsed.BosTokenId), (again.Family, again.HeadDim, again.TieWordEmbeddings, again.HiddenAct, again.BosTokenId));
            Assert.Equal(Enumerable.Range(0, parsed.NumHiddenLayers).Select(parsed.AttentionWindow), Enumerable.Range(0, again.NumHiddenLayers).Select(again.AttentionWindow));
        }
    }

    [Theory]
    [InlineData("{\"architectures\":[\"FalconForCausalLM\"]," + Sizes + "}", "architecture 'FalconForCausalLM' is not supported; supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, GemmaForCausalLM, Gemma2ForCausalLM")]
    [InlineData("{\"model_type\":\"gemma3\"," + Sizes + "}", "model_type 'gemma3' is not supported")]
    [InlineData("{\"architectures\":[\"Qwen2ForCausalLM\"],\"model_type\":\"llama\"," + Sizes + "}", "architectures says Qwen2ForCausalLM but model_type says 'llama'")]
    [InlineData("{\"architectures\":\"LlamaForCausalLM\"," + Sizes + "}", "'architectures' must be a non-empty list")]
    [InlineData("{\"architectures\":[\"Gemma2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"query_pre_attn_scalar\":null}", "'query_pre_attn_scalar' is null")]
    [InlineData("{\"architectures\":[\"Gemma2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"query_pre_attn_scalar\":-4}", "'query_pre_attn_scalar' must be a positive finite number")]
    [InlineData("{\"architectures\":[\"Gemma2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"attn_logit_softcapping\":0}", "'attn_logit_softcapping' must be a positive finite number")]
    [InlineData("{\"architectures\":[\"Gemma2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"layer_types\":[\"full_attention\"]}", "'layer_types' must be a list of 4 entries")]
    [InlineData("{\"architectures\":[\"Gemma2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"layer_types\":[\"full_attention\",\"x\",\"full_attention\",\"full_attention\"]}", "layer_types[1]")]
    [InlineData("{\"architectures\":[\"MistralForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"sliding_window\":0}", "'sliding_window' must be positive")]
    [InlineData("{\"architectures\":[\"Qwen2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"max_window_layers\":-1}", "'max_window_layers' must not be negative")]
    [InlineData("{\"architectures\":[\"Qwen2ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"use_sliding_window\":\"yes\"}", "'use_sliding_window' must be true or false")]
    [InlineData("{\"architectures\":[\"GemmaForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"head_dim\":null}", "'head_dim' is null")]
    [InlineData("{\"architectures\":[\"GemmaForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"hidden_activation\":\"relu\"}", "hidden_activation 'relu' is not supported")]
    [InlineData("{\"architectures\":[\"Qwen3ForCausalLM\"]," + Sizes + ",\"num_key_value_heads\":2,\"head_dim\":7}", "head_dim")]
    [InlineData("{\"architectures\":[\"LlamaForCausalLM\"]," + Sizes + ",\"mlp_bias\":true}", "mlp_bias")]
    public void BadFamilyKeysAreUserErrorsNamingTheKey(string json, string expected)
    {
        var e = Refused(json);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test/config.json: ", e.Message);
    }

    [Fact]
    public void CheckpointsMissingAFamilysTensorOrHoldingOneNothingReadsAreRefusedByName()
    {
        using var tmp = new TempFolder();
        UserInputException Fails(string folder) => Assert.Throws<UserInputException>(() => LlamaModel.Load(folder));

        var qwen2 = FamilyCase.Create("qwen2");
        var e = Fails(qwen2.Write(Path.Combine(tmp.Path, "q2"), edit: ts => ts.Where(t => t.Name != "model.layers.1.self_attn.k_proj.bias")));
        Assert.Contains("tensor 'model.layers.1.self_attn.k_proj.bias' not found", e.Message);

        var qwen3 = FamilyCase.Create("qwen3");
        e = Fails(qwen3.Write(Path.Combine(tmp.Path, "q3"), edit: ts => ts.Where(t => t.Name != "model.layers.0.self_attn.q_norm.weight")));
        Assert.Contains("tensor 'model.layers.0.self_attn.q_norm.weight' not found", e.Message);
        // The same Qwen3 checkpoint under a Llama config: q_norm is read by nothing, so it is refused, not ignored.
        e = Fails(qwen3.Write(Path.Combine(tmp.Path, "q3llama"), configJson: qwen3.ConfigWith("architectures", "[\"LlamaForCausalLM\"]").Replace("\"qwen3\"", "\"llama\"")));
        Assert.Contains("'model.layers.0.self_attn.k_norm.weight' is not part of a LlamaForCausalLM checkpoint", e.Message);
        // head_dim that contradicts q_proj's shape names the keys it comes from.
        e = Fails(qwen3.Write(Path.Combine(tmp.Path, "q3dim"), configJson: qwen3.ConfigWith("head_dim", "8")));
        Assert.Contains("q_proj.weight' has shape [64, 32] but config.json implies [32, 32] (num_attention_heads 4 × head_dim 8", e.Message);

        var gemma2 = FamilyCase.Create("gemma2");
        e = Fails(gemma2.Write(Path.Combine(tmp.Path, "g2"), edit: ts => ts.Where(t => t.Name != "model.layers.2.post_feedforward_layernorm.weight")));
        Assert.Contains("tensor 'model.layers.2.post_feedforward_layernorm.weight' not found", e.Message);

        var mistral = FamilyCase.Create("mistral");
        e = Fails(mistral.Write(Path.Combine(tmp.Path, "mb"), edit: ts => ts.Append(new TensorSpec("model.layers.0.self_attn.q_proj.bias", SafetensorsDtype.F32, new float[32], [32]))));
        Assert.Contains("'model.layers.0.self_attn.q_proj.bias' found; projections with bias are not supported for MistralForCausalLM", e.Message);

        // Tolerated as HF ignores them: a stored lm_head next to a tied embedding, saved rotary buffers.
        var gemma = FamilyCase.Create("gemma");
        using var tolerant = LlamaModel.Load(gemma.Write(Path.Combine(tmp.Path, "extra"), edit: ts => ts
            .Append(new TensorSpec("lm_head.weight", SafetensorsDtype.F32, new float[64 * 32], [64, 32]))
            .Append(new TensorSpec("model.layers.0.self_attn.rotary_emb.inv_freq", SafetensorsDtype.F32, new float[8], [8]))));
        Assert.Equal(ModelFamily.Gemma, tolerant.Config.Family);
    }

    [Fact]
    public void InfoNamesTheFamilyFeaturesAndStageMemoryAndUnsupportedArchitecturesExitWith2()
    {
        using var tmp = new TempFolder();
        var gemma2 = FamilyCase.Create("gemma2");
        string folder = gemma2.Write(Path.Combine(tmp.Path, "g2"));
        var (code, stdout, stderr) = CliHarness.Process("info", "--model", folder, "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var root = doc.RootElement;
            Assert.Equal("Gemma2ForCausalLM", root.GetProperty("architecture").GetString());
            var features = root.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToList();
            Assert.Contains("attention soft-cap 1.5", features);
            Assert.Contains("sliding window 3 on 2 of 3 layers", features);
            Assert.Contains("GeLU-tanh gate (GeGLU)", features);
            Assert.Equal(["forward", "record", "generate / evaluate"], root.GetProperty("memory").EnumerateArray().Select(m => m.GetProperty("stage").GetString()));
            Assert.Equal("Gemma2", root.GetProperty("config").GetProperty("family").GetString());
        }
        (code, stdout, _) = CliHarness.Process("info", "--model", folder);
        Assert.Equal(0, code);
        Assert.Contains("family:      Gemma2ForCausalLM", stdout);
        Assert.Contains("record", stdout);

        string falcon = gemma2.Write(Path.Combine(tmp.Path, "falcon"), configJson: gemma2.ConfigWith("architectures", "[\"FalconForCausalLM\"]").Replace("\"gemma2\"", "\"falcon\""));
        (code, _, stderr) = CliHarness.Process("generate", "--model", falcon, "--ids", "1", "--max-new-tokens", "2");
        Assert.Equal(2, code);
        Assert.Contains("architecture 'FalconForCausalLM' is not supported; supported: LlamaForCausalLM, MistralForCausalLM", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
