using System.Text.Json;
using System.Text.Json.Nodes;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Gguf;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tokenization.HuggingFace;

namespace RelationNeurons.Tests.Gguf;

/// <summary>Byte-level BPE tokenizers (GPT-2 and Llama-3 pre-tokenization) through export-gguf and tokenizer.ggml.model = gpt2.</summary>
public sealed class GgufByteLevelTokenizerTests : IDisposable
{
    private readonly string _dir = GgufTestModels.TempFolder("bytelevel");

    public void Dispose() => GgufTestModels.Delete(_dir);

    private static string B(char c) => ByteLevelAlphabet.Encode((byte)c).ToString();

    /// <summary>The 256 byte characters, merges learned by hand from the test texts, and two special tokens.</summary>
    private static (string Json, int Vocab, int Bos, int Eos) TokenizerJson(bool llama3)
    {
        var vocab = new JsonObject();
        int next = 0;
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.Encode((byte)b).ToString()] = next++;
        string g = B(' ');
        (string, string)[] merges = [("t", "h"), ("th", "e"), (g, "the"), ("i", "s"), (g, "is"), ("a", "p"), ("ap", "i"), ("api", "t"),
            ("apit", "a"), ("apita", "l"), (g, "c"), (g + "c", "apital"), ("o", "f"), (g, "of"), ("P", "a"), ("Pa", "r"), ("Par", "is"),
            ("e", "r"), (g, "p"), ("l", "a"), ("la", "y"), (g + "p", "lay"), ("1", "2"), ("12", "3")];
        var mergeArray = new JsonArray();
        foreach (var (l, r) in merges)
        {
            if (!vocab.ContainsKey(l + r)) vocab[l + r] = next++;
            mergeArray.Add(l + " " + r);
        }
        int bos = next++, eos = next++;
        string pre = llama3
            ? $$"""{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":{{JsonSerializer.Serialize(GgufTokenizer.Llama3Pattern)}}},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}"""
            : """{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""";
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = bos, ["content"] = "<|begin_of_text|>", ["special"] = true, ["normalized"] = false },
                new JsonObject { ["id"] = eos, ["content"] = "<|end_of_text|>", ["special"] = true, ["normalized"] = false }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = JsonNode.Parse(pre),
            ["post_processor"] = null,
            ["decoder"] = JsonNode.Parse("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"""),
            ["model"] = new JsonObject { ["type"] = "BPE", ["byte_fallback"] = false, ["ignore_merges"] = llama3, ["vocab"] = vocab, ["merges"] = mergeArray },
        };
        return (root.ToJsonString(), next, bos, eos);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ByteLevelTokenizerRoundTripsThroughGguf(bool llama3)
    {
        var (json, vocab, bos, eos) = TokenizerJson(llama3);
        string hf = Path.Combine(_dir, "hf" + llama3);
        Directory.CreateDirectory(hf);
        File.WriteAllText(Path.Combine(hf, "tokenizer.json"), json);
        File.WriteAllText(Path.Combine(hf, "tokenizer_config.json"), $$"""{"add_bos_token": {{(llama3 ? "true" : "false")}}, "bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"}""");
        var config = new LlamaConfig
        {
            HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 4, NumKeyValueHeads = 4,
            VocabSize = vocab, BosTokenId = bos, EosTokenIds = [eos], RopeTheta = 500000,
        };
        GgufTestModels.WriteRandomWeights(hf, config, SafetensorsDtype.F32, seed: 5);
        string path = Path.Combine(_dir, $"bl{llama3}.gguf");
        GgufExporter.Export(hf, path, GgufExportType.F32);

        using (var file = GgufFile.Open(path))
        {
            Assert.Equal("gpt2", file.GetString(GgufTokenizer.ModelKey));
            Assert.Equal(llama3 ? "llama-bpe" : "default", file.GetString("tokenizer.ggml.pre"));
        }
        using var a = LlamaModel.Load(hf);
        using var b = LlamaModel.Load(path);
        var ta = a.LoadTokenizer();
        var tb = b.LoadTokenizer();
        Assert.IsType<HfTokenizer>(tb);
        Assert.Equal(ta.AddBosByDefault, tb.AddBosByDefault);
        Assert.Equal(ta.BosId, tb.BosId);
        Assert.Equal(ta.EosIds, tb.EosIds);
        var prompts = new List<int[]>();
        foreach (string text in new[] { "the capital of Paris is the capital", "players play 12345 times!\n\nthe end  ", "Ünïcödé 🙂<|end_of_text|>" })
        {
            var ids = ta.Encode(text, ta.AddBosByDefault);
            Assert.Equal(ids, tb.Encode(text, tb.AddBosByDefault));
            Assert.Equal(ta.Decode(ids), tb.Decode(ids));
            prompts.Add(ids);
        }
        Assert.True(prompts[0].Length < 15, "merges must apply");
        Assert.Equal(0f, GgufTestModels.MaxLogitDifference(a, b, prompts));
    }
}
