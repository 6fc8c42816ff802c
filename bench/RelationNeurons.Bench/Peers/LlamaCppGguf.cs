using System.Globalization;
using RelationNeurons.Models;
using RelationNeurons.Models.Gguf;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Bench.Peers;

/// <summary>
/// Writes a safetensors checkpoint as a llama.cpp GGUF file with the same weights in their stored
/// type (BF16, F16 or F32 matrices; norm vectors F32, exact): tensor names and metadata as llama.cpp's converter writes them, Q and K
/// rows interleaved per head for llama.cpp's RoPE (our GGUF reader maps them back), and a
/// placeholder SentencePiece vocabulary (control, byte and "▁tN" tokens) because llama.cpp
/// refuses a model without one; the benchmark feeds token ids, never text.
/// </summary>
internal static class LlamaCppGguf
{
    public static string Ensure(string checkpointDir, LlamaConfig c)
    {
        string path = GgufPath(checkpointDir);
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Console.Error.WriteLine($"writing {path} ...");
        using var st = SafetensorsFile.Open(Path.Combine(checkpointDir, "model.safetensors"));
        var w = new GgufWriter();
        w.AddString("general.architecture", "llama").AddString("general.name", "relneurons-synthetic")
         .AddUInt32("general.file_type", 32) // LLAMA_FTYPE_MOSTLY_BF16
         .AddUInt32("llama.context_length", (uint)c.MaxPositionEmbeddings)
         .AddUInt32("llama.embedding_length", (uint)c.HiddenSize)
         .AddUInt32("llama.block_count", (uint)c.NumHiddenLayers)
         .AddUInt32("llama.feed_forward_length", (uint)c.IntermediateSize)
         .AddUInt32("llama.rope.dimension_count", (uint)c.HeadDim)
         .AddUInt32("llama.attention.head_count", (uint)c.NumAttentionHeads)
         .AddUInt32("llama.attention.head_count_kv", (uint)c.NumKeyValueHeads)
         .AddFloat32("llama.attention.layer_norm_rms_epsilon", (float)c.RmsNormEps)
         .AddFloat32("llama.rope.freq_base", (float)c.RopeTheta)
         .AddUInt32("llama.vocab_size", (uint)c.VocabSize);
        AddVocabulary(w, c);

        void Matrix(string ggufName, string hfName, int heads = 0)
        {
            var info = st.Get(hfName);
            var type = info.Dtype switch
            {
                SafetensorsDtype.BF16 => GgmlType.BF16,
                SafetensorsDtype.F16 => GgmlType.F16,
                SafetensorsDtype.F32 => GgmlType.F32,
                _ => throw new InvalidOperationException($"{hfName}: {info.Dtype} is not a float type"),
            };
            int rows = (int)info.Shape[0], cols = (int)info.Shape[1];
            int[]? map = heads > 0 ? GgufWeights.RopeRowMap(rows, heads) : null;
            w.AddTensor(ggufName, [cols, rows], type, info.ByteLength, stream =>
            {
                var bytes = st.Bytes(info);
                if (map is null) { stream.Write(bytes); return; }
                // Stored row map[r] holds HF row r, so stored row s is the HF row whose map is s.
                var inverse = new int[rows];
                for (int r = 0; r < rows; r++) inverse[map[r]] = r;
                int rowBytes = cols * SafetensorsFile.ElementSize(info.Dtype);
                for (int s = 0; s < rows; s++) stream.Write(bytes.Slice(inverse[s] * rowBytes, rowBytes));
            });
        }
        void Vector(string ggufName, string hfName) => w.AddF32(ggufName, st.ReadFloat32(hfName), st.Get(hfName).Shape[0]);

        Matrix("token_embd.weight", "model.embed_tokens.weight");
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string g = "blk." + l.ToString(CultureInfo.InvariantCulture) + ".", p = "model.layers." + l.ToString(CultureInfo.InvariantCulture) + ".";
            Vector(g + "attn_norm.weight", p + "input_layernorm.weight");
            Matrix(g + "attn_q.weight", p + "self_attn.q_proj.weight", c.NumAttentionHeads);
            Matrix(g + "attn_k.weight", p + "self_attn.k_proj.weight", c.NumKeyValueHeads);
            Matrix(g + "attn_v.weight", p + "self_attn.v_proj.weight");
            Matrix(g + "attn_output.weight", p + "self_attn.o_proj.weight");
            Vector(g + "ffn_norm.weight", p + "post_attention_layernorm.weight");
            Matrix(g + "ffn_gate.weight", p + "mlp.gate_proj.weight");
            Matrix(g + "ffn_up.weight", p + "mlp.up_proj.weight");
            Matrix(g + "ffn_down.weight", p + "mlp.down_proj.weight");
        }
        Vector("output_norm.weight", "model.norm.weight");
        Matrix("output.weight", "lm_head.weight");
        w.Save(path);
        return path;
    }

    /// <summary>Next to a synthetic model in the cache; for any other folder (a checkpoint in the repository) under the cache root.</summary>
    private static string GgufPath(string checkpointDir)
    {
        string full = Path.GetFullPath(checkpointDir).TrimEnd(Path.DirectorySeparatorChar);
        string root = Path.GetFullPath(SyntheticModel.CacheRoot);
        if (full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return Path.Combine(full, "model-bf16.gguf");
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char ch in full) { hash ^= ch; hash *= 0x100000001B3UL; }
        return Path.Combine(root, "gguf", $"{Path.GetFileName(full)}-{hash:x16}.gguf");
    }

    private static void AddVocabulary(GgufWriter w, LlamaConfig c)
    {
        var tokens = new string[c.VocabSize];
        var scores = new float[c.VocabSize];
        var types = new int[c.VocabSize];
        for (int i = 0; i < tokens.Length; i++)
        {
            if (i == 0) { tokens[i] = "<unk>"; types[i] = 2; }
            else if (i == 1) { tokens[i] = "<s>"; types[i] = 3; }
            else if (i == 2) { tokens[i] = "</s>"; types[i] = 3; }
            else if (i < 3 + 256 && c.VocabSize > 512) { tokens[i] = $"<0x{i - 3:X2}>"; types[i] = 6; }
            else { tokens[i] = "\u2581t" + i.ToString(CultureInfo.InvariantCulture); types[i] = 1; scores[i] = -i; }
        }
        w.AddString("tokenizer.ggml.model", "llama").AddArray("tokenizer.ggml.tokens", tokens)
         .AddArray("tokenizer.ggml.scores", scores).AddArray("tokenizer.ggml.token_type", types)
         .AddUInt32("tokenizer.ggml.bos_token_id", (uint)c.BosTokenId).AddUInt32("tokenizer.ggml.eos_token_id", (uint)c.EosTokenIds[0])
         .AddUInt32("tokenizer.ggml.unknown_token_id", 0);
    }
}
