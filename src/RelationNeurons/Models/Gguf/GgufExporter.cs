using System.Globalization;
using RelationNeurons.Tensors;

namespace RelationNeurons.Models.Gguf;

/// <summary>Tensor type an export writes for the matrices (norm vectors are always F32).</summary>
public enum GgufExportType { F32, F16, Q8_0 }

/// <summary>What an export wrote.</summary>
public sealed record GgufExportSummary(string Path, long Bytes, int Tensors, bool Tokenizer, IReadOnlyList<string> FallbackTensors);

/// <summary>
/// Writes a Hugging Face Llama checkpoint as a GGUF v3 file the way llama.cpp's converter does:
/// <c>llama.*</c> hyper-parameters, the tokenizer as <c>tokenizer.ggml.*</c>, tensors under
/// llama.cpp names with dims innermost-first, and the Q/K projection rows of every head
/// interleaved for llama.cpp's RoPE (the reader undoes this). With Q8_0, matrices whose rows are
/// not whole 32-element blocks are written as F16 (as llama.cpp falls back) and listed in the summary.
/// </summary>
public static class GgufExporter
{
    public static GgufExportSummary Export(string model, string outputPath, GgufExportType type)
    {
        string dir = ModelLocator.Resolve(model);
        var config = LlamaConfig.Load(Path.Combine(dir, "config.json"));
        if (config.Family != ModelFamily.Llama)
            throw new UserInputException($"{dir}: export-gguf writes LlamaForCausalLM checkpoints only; this one is {config.Architecture}");
        using var files = CheckpointFiles.Open(dir);
        var weights = LlamaWeights.Bind(files, config);

        var w = new GgufWriter();
        const string a = "llama.";
        w.AddString("general.architecture", "llama");
        w.AddString("general.name", Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar)));
        w.AddUInt32("general.file_type", type switch { GgufExportType.F32 => 0u, GgufExportType.F16 => 1u, _ => 7u });
        w.AddUInt32(a + "context_length", (uint)config.MaxPositionEmbeddings);
        w.AddUInt32(a + "embedding_length", (uint)config.HiddenSize);
        w.AddUInt32(a + "block_count", (uint)config.NumHiddenLayers);
        w.AddUInt32(a + "feed_forward_length", (uint)config.IntermediateSize);
        w.AddUInt32(a + "rope.dimension_count", (uint)config.HeadDim);
        w.AddUInt32(a + "attention.head_count", (uint)config.NumAttentionHeads);
        w.AddUInt32(a + "attention.head_count_kv", (uint)config.NumKeyValueHeads);
        if (config.HeadDimOverride is { } hd)
        {
            w.AddUInt32(a + "attention.key_length", (uint)hd);
            w.AddUInt32(a + "attention.value_length", (uint)hd);
        }
        w.AddFloat32(a + "attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        w.AddFloat32(a + "rope.freq_base", (float)config.RopeTheta);
        w.AddUInt32(a + "vocab_size", (uint)config.VocabSize);
        if (config.RopeScaling is { } rs)
        {
            // llama.cpp reads Llama-3 scaling from the rope_freqs tensor; the exact parameters go in our own keys.
            w.AddString(GgufLlamaConfig.ScalingPrefix + "type", rs.Type);
            w.AddFloat32(GgufLlamaConfig.ScalingPrefix + "factor", (float)rs.Factor);
            w.AddFloat32(GgufLlamaConfig.ScalingPrefix + "low_freq_factor", (float)rs.LowFreqFactor);
            w.AddFloat32(GgufLlamaConfig.ScalingPrefix + "high_freq_factor", (float)rs.HighFreqFactor);
            w.AddUInt32(GgufLlamaConfig.ScalingPrefix + "original_max_position_embeddings", (uint)rs.OriginalMaxPositionEmbeddings);
        }
        bool tokenizer = GgufTokenizerExport.TryAdd(w, dir, config);
        if (!tokenizer)
        {
            // Without tokenizer.ggml.* the special ids still belong in the file.
            if (config.BosTokenId >= 0) w.AddUInt32("tokenizer.ggml.bos_token_id", (uint)config.BosTokenId);
            if (config.EosTokenIds.Count > 0) w.AddUInt32("tokenizer.ggml.eos_token_id", (uint)config.EosTokenIds[0]);
        }

        var fallbacks = new List<string>();
        GgmlType matrixType = type switch { GgufExportType.F32 => GgmlType.F32, GgufExportType.F16 => GgmlType.F16, _ => GgmlType.Q8_0 };
        int tensors = 0;

        void Matrix(string name, WeightMatrix m, int heads = 0)
        {
            var t = matrixType;
            if (t == GgmlType.Q8_0 && m.Cols % 32 != 0) { t = GgmlType.F16; fallbacks.Add(name); }
            // Stored row g holds HF row inverse[g]: llama.cpp's permutation for its interleaved RoPE.
            int[]? inverse = null;
            if (heads > 0)
            {
                var map = GgufWeights.RopeRowMap(m.Rows, heads);
                inverse = new int[m.Rows];
                for (int r = 0; r < map.Length; r++) inverse[map[r]] = r;
            }
            int rowBytes = GgufQuantizer.RowBytes(t, m.Cols);
            var source = m;
            w.AddTensor(name, [m.Cols, m.Rows], t, (long)rowBytes * m.Rows, s =>
            {
                var row = new float[source.Cols];
                var bytes = new byte[rowBytes];
                for (int g = 0; g < source.Rows; g++)
                {
                    DequantizeRows.Row(source, inverse?[g] ?? g, row);
                    GgufQuantizer.EncodeRow(t, row, bytes);
                    s.Write(bytes);
                }
            });
            tensors++;
        }
        void Vector(string name, float[] v)
        {
            w.AddF32(name, v, v.Length);
            tensors++;
        }

        if (config.RopeScaling is not null) Vector("rope_freqs.weight", RopeFrequencyFactors(config));
        Matrix("token_embd.weight", weights.Embedding);
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            var layer = weights.Layers[l];
            string p = "blk." + l.ToString(CultureInfo.InvariantCulture) + ".";
            Vector(p + "attn_norm.weight", layer.InputNorm);
            Matrix(p + "attn_q.weight", layer.Q, config.NumAttentionHeads);
            Matrix(p + "attn_k.weight", layer.K, config.NumKeyValueHeads);
            Matrix(p + "attn_v.weight", layer.V);
            Matrix(p + "attn_output.weight", layer.O);
            Vector(p + "ffn_norm.weight", layer.PostAttentionNorm);
            Matrix(p + "ffn_gate.weight", layer.Gate);
            Matrix(p + "ffn_up.weight", layer.Up);
            Matrix(p + "ffn_down.weight", layer.Down);
        }
        Vector("output_norm.weight", weights.FinalNorm);
        if (!config.TieWordEmbeddings) Matrix("output.weight", weights.LmHead);

        string? parent = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (parent is not null) Directory.CreateDirectory(parent);
        w.Save(outputPath);
        return new GgufExportSummary(Path.GetFullPath(outputPath), new FileInfo(outputPath).Length, tensors, tokenizer, fallbacks);
    }

    /// <summary>Llama-3 per-frequency divisors, as llama.cpp's converter writes them to rope_freqs.weight.</summary>
    public static float[] RopeFrequencyFactors(LlamaConfig config)
    {
        var rs = config.RopeScaling!;
        int d = config.HeadDim;
        double lowWavelen = rs.OriginalMaxPositionEmbeddings / rs.LowFreqFactor;
        double highWavelen = rs.OriginalMaxPositionEmbeddings / rs.HighFreqFactor;
        var factors = new float[d / 2];
        for (int i = 0; i < d / 2; i++)
        {
            double freq = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / d);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) factors[i] = 1f;
            else if (wavelen > lowWavelen) factors[i] = (float)rs.Factor;
            else
            {
                double smooth = (rs.OriginalMaxPositionEmbeddings / wavelen - rs.LowFreqFactor) / (rs.HighFreqFactor - rs.LowFreqFactor);
                factors[i] = (float)(1 / ((1 - smooth) / rs.Factor + smooth));
            }
        }
        return factors;
    }
}
