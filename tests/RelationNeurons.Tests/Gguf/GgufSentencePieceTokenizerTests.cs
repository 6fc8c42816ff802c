using RelationNeurons.Models;
using RelationNeurons.Models.Gguf;
using RelationNeurons.Tests.Tokenization;
using RelationNeurons.Tokenization.SentencePiece;
using RelationNeurons.Inference;

namespace RelationNeurons.Tests.Gguf;

/// <summary>Llama-2's tokenizer.model written as tokenizer.ggml.* (model "llama") and read back: the reference SentencePiece ids.</summary>
public sealed class GgufSentencePieceTokenizerTests : IDisposable
{
    private readonly string _dir = GgufTestModels.TempFolder("spm");

    public void Dispose() => GgufTestModels.Delete(_dir);

    [SkippableFact]
    public void Llama2TokenizerModelGivesTheReferenceIds()
    {
        string folder = TokenizerFixtures.RequireLlama2Folder();
        var config = new LlamaConfig { HiddenSize = 8, IntermediateSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 1, NumKeyValueHeads = 1, VocabSize = 32000 };
        var w = new GgufWriter();
        Assert.True(GgufTokenizerExport.TryAdd(w, folder, config));
        string path = Path.Combine(_dir, "tok.gguf");
        w.Save(path);

        var reference = SentencePieceTokenizer.Load(Path.Combine(folder, "tokenizer.model"));
        var tok = CheckpointLoader.LoadTokenizer(path); // a GGUF path goes to its tokenizer.ggml.* metadata
        Assert.IsType<SentencePieceTokenizer>(tok);
        Assert.Equal(32000, tok.VocabSize);
        Assert.Equal(1, tok.BosId);
        Assert.Equal([2], tok.EosIds);
        Assert.True(tok.AddBosByDefault);
        foreach (var c in TokenizerFixtures.GoldenCases())
        {
            Assert.Equal(c.Ids, tok.Encode(c.Text, addBos: false));
            Assert.Equal(reference.Decode(c.Ids), tok.Decode(c.Ids));
        }
        Assert.Equal(reference.Encode("  leading and  double spaces\n", true), tok.Encode("  leading and  double spaces\n", true));
    }
}
