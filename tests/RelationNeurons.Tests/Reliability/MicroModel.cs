using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// A tiny random Llama checkpoint (config.json + model.safetensors) written for a test, with a
/// hook to alter any tensor before it is saved (to plant a NaN, say).
/// </summary>
internal static class MicroModel
{
    public static LlamaConfig Config(int vocab = 48, int hidden = 32, int ff = 40, int layers = 2) => new()
    {
        HiddenSize = hidden,
        IntermediateSize = ff,
        NumHiddenLayers = layers,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        VocabSize = vocab,
        MaxPositionEmbeddings = 256,
        RmsNormEps = 1e-5,
    };

    /// <summary>A micro model with a SentencePiece tokenizer trained on <paramref name="texts"/>: something `run` can use end to end.</summary>
    public static string WriteWithTokenizer(string folder, IEnumerable<string> texts, int vocabSize = 512, int hidden = 32, int ff = 48, int layers = 2)
    {
        var tokenizer = RelationNeurons.Tokenization.Training.BpeTrainer.Train(texts, vocabSize);
        Directory.CreateDirectory(folder);
        RelationNeurons.Tokenization.SentencePiece.SentencePieceModelWriter.Write(tokenizer, Path.Combine(folder, "tokenizer.model"));
        var config = Config(tokenizer.Pieces.Count, hidden, ff, layers) with { BosTokenId = tokenizer.BosId, EosTokenIds = [tokenizer.EosId] };
        return Write(folder, config);
    }

    public static string Write(string folder, LlamaConfig? config = null, SafetensorsDtype dtype = SafetensorsDtype.F32,
        Action<string, float[]>? alter = null, int seed = 1)
    {
        var c = config ?? Config();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), c.ToJson());
        var rng = new Random(seed);
        var w = new SafetensorsWriter();
        void Add(string name, int rows, int cols, bool norm = false)
        {
            var values = new float[(long)rows * cols];
            double scale = 1.0 / Math.Sqrt(cols);
            for (int i = 0; i < values.Length; i++) values[i] = norm ? (float)(1 + 0.1 * (rng.NextDouble() - 0.5)) : (float)((rng.NextDouble() * 2 - 1) * scale * 1.7);
            alter?.Invoke(name, values);
            if (norm) w.AddFloat(name, dtype, values, cols);
            else w.AddFloat(name, dtype, values, rows, cols);
        }
        int h = c.HiddenSize, f = c.IntermediateSize;
        Add("model.embed_tokens.weight", c.VocabSize, h);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"model.layers.{l}.";
            Add(p + "input_layernorm.weight", 1, h, norm: true);
            Add(p + "self_attn.q_proj.weight", c.QueryWidth, h);
            Add(p + "self_attn.k_proj.weight", c.KeyValueWidth, h);
            Add(p + "self_attn.v_proj.weight", c.KeyValueWidth, h);
            Add(p + "self_attn.o_proj.weight", h, c.QueryWidth);
            Add(p + "post_attention_layernorm.weight", 1, h, norm: true);
            Add(p + "mlp.gate_proj.weight", f, h);
            Add(p + "mlp.up_proj.weight", f, h);
            Add(p + "mlp.down_proj.weight", h, f);
        }
        Add("model.norm.weight", 1, h, norm: true);
        if (!c.TieWordEmbeddings) Add("lm_head.weight", c.VocabSize, h);
        w.Save(Path.Combine(folder, "model.safetensors"));
        return folder;
    }
}
