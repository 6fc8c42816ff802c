using System.Globalization;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tokenization.Training;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Gguf;

/// <summary>Small checkpoints for the GGUF tests: random HF models (with a trained tokenizer) and GGUF → HF dequantized copies.</summary>
internal static class GgufTestModels
{
    public static readonly string[] Texts =
    [
        "The capital of France is Paris. The capital of Italy is Rome.",
        "Tim Cook is the CEO of Apple. Satya Nadella is the CEO of Microsoft.",
        "Miles Davis played the trumpet; John Coltrane played the saxophone.",
        "Ünïcödé wörds and emoji 🙂 fall back to bytes when they are rare.",
    ];

    public static string TempFolder(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "relneurons-gguf-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Delete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A random Llama checkpoint (GQA, optional tied head) with a BpeTrainer tokenizer written as tokenizer.json.</summary>
    public static LlamaConfig WriteRandomWithTokenizer(string dir, bool tied, SafetensorsDtype dtype, int seed)
    {
        var spm = BpeTrainer.Train(Enumerable.Repeat(Texts, 20).SelectMany(t => t), 330);
        SentencePieceStyleTokenizerWriter.Write(spm, dir);
        var config = new LlamaConfig
        {
            HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = spm.Pieces.Count, MaxPositionEmbeddings = 128, RmsNormEps = 1e-5, RopeTheta = 10000, TieWordEmbeddings = tied,
            BosTokenId = 1, EosTokenIds = [2],
        };
        WriteRandomWeights(dir, config, dtype, seed);
        return config;
    }

    public static void WriteRandomWeights(string dir, LlamaConfig c, SafetensorsDtype dtype, int seed)
    {
        var r = new Random(seed);
        var w = new SafetensorsWriter();
        float[] Rand(int n, float scale) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)((r.NextDouble() * 2 - 1) * scale); return a; }
        float[] Norm(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(0.8 + 0.4 * r.NextDouble()); return a; }
        void M(string name, int rows, int cols) => w.AddFloat(name, dtype, Rand(rows * cols, 1.5f / MathF.Sqrt(cols)), rows, cols);
        M("model.embed_tokens.weight", c.VocabSize, c.HiddenSize);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"model.layers.{l}.";
            w.AddF32(p + "input_layernorm.weight", Norm(c.HiddenSize), c.HiddenSize);
            M(p + "self_attn.q_proj.weight", c.QueryWidth, c.HiddenSize);
            M(p + "self_attn.k_proj.weight", c.KeyValueWidth, c.HiddenSize);
            M(p + "self_attn.v_proj.weight", c.KeyValueWidth, c.HiddenSize);
            M(p + "self_attn.o_proj.weight", c.HiddenSize, c.QueryWidth);
            w.AddF32(p + "post_attention_layernorm.weight", Norm(c.HiddenSize), c.HiddenSize);
            M(p + "mlp.gate_proj.weight", c.IntermediateSize, c.HiddenSize);
            M(p + "mlp.up_proj.weight", c.IntermediateSize, c.HiddenSize);
            M(p + "mlp.down_proj.weight", c.HiddenSize, c.IntermediateSize);
        }
        w.AddF32("model.norm.weight", Norm(c.HiddenSize), c.HiddenSize);
        if (!c.TieWordEmbeddings) M("lm_head.weight", c.VocabSize, c.HiddenSize);
        File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJson());
        w.Save(Path.Combine(dir, "model.safetensors"));
    }

    /// <summary>
    /// The weights a loaded model computes with (GGUF: dequantized, rows in HF order) written as an
    /// F32 Hugging Face folder: the exact float32 equivalent of the loaded model.
    /// </summary>
    public static void WriteAsF32Folder(LlamaModel model, string dir)
    {
        var c = model.Config with { TieWordEmbeddings = model.Config.TieWordEmbeddings };
        var w = new SafetensorsWriter();
        void M(string name, in WeightMatrix m)
        {
            var values = new float[m.Rows * m.Cols];
            for (int r = 0; r < m.Rows; r++) DequantizeRows.Row(m, r, values.AsSpan(r * m.Cols, m.Cols));
            w.AddF32(name, values, m.Rows, m.Cols);
        }
        var wt = model.Weights;
        M("model.embed_tokens.weight", wt.Embedding);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            var x = wt.Layers[l];
            string p = "model.layers." + l.ToString(CultureInfo.InvariantCulture) + ".";
            w.AddF32(p + "input_layernorm.weight", x.InputNorm, x.InputNorm.Length);
            M(p + "self_attn.q_proj.weight", x.Q);
            M(p + "self_attn.k_proj.weight", x.K);
            M(p + "self_attn.v_proj.weight", x.V);
            M(p + "self_attn.o_proj.weight", x.O);
            w.AddF32(p + "post_attention_layernorm.weight", x.PostAttentionNorm, x.PostAttentionNorm.Length);
            M(p + "mlp.gate_proj.weight", x.Gate);
            M(p + "mlp.up_proj.weight", x.Up);
            M(p + "mlp.down_proj.weight", x.Down);
        }
        w.AddF32("model.norm.weight", wt.FinalNorm, wt.FinalNorm.Length);
        if (!c.TieWordEmbeddings) M("lm_head.weight", wt.LmHead);
        File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJson());
        w.Save(Path.Combine(dir, "model.safetensors"));
    }

    /// <summary>Largest |a - b| over the logits of every position of every prompt.</summary>
    public static float MaxLogitDifference(LlamaModel a, LlamaModel b, IReadOnlyList<int[]> prompts)
    {
        var ra = a.Forward(prompts, null, LogitsSelection.AllPositions);
        var rb = b.Forward(prompts, null, LogitsSelection.AllPositions);
        float max = 0;
        for (int i = 0; i < prompts.Count; i++)
        {
            var la = ra.Logits(i); var lb = rb.Logits(i);
            Assert.Equal(la.Length, lb.Length);
            for (int j = 0; j < la.Length; j++) max = Math.Max(max, Math.Abs(la[j] - lb[j]));
        }
        return max;
    }

    public static float MaxAbsLogit(LlamaModel m, IReadOnlyList<int[]> prompts)
    {
        var r = m.Forward(prompts, null, LogitsSelection.AllPositions);
        float max = 0;
        for (int i = 0; i < prompts.Count; i++) foreach (var v in r.Logits(i)) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
