using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using RelationNeurons.IO;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Bench;

/// <summary>
/// A Llama checkpoint folder with random BF16 weights (config.json + model.safetensors), written
/// once, streamed tensor by tensor, and reused from a cache folder by later runs, so benchmarks
/// go through the real loading path (memory-mapped safetensors) without a download.
/// Matrices are uniform with the standard deviation 0.02 of Llama's initialisation; norm weights
/// are 1 ± 0.1; values are a fixed function of the seed, so every run sees the same model.
/// </summary>
internal static class SyntheticModel
{
    /// <summary>TinyLlama-1.1B's shape: 1.1 B parameters, about 2.2 GB in BF16.</summary>
    public static readonly LlamaConfig TinyLlama = new()
    {
        HiddenSize = 2048, IntermediateSize = 5632, NumHiddenLayers = 22, NumAttentionHeads = 32,
        NumKeyValueHeads = 4, VocabSize = 32000, RmsNormEps = 1e-5, RopeTheta = 10000, TorchDtype = "bfloat16",
    };

    /// <summary>A small model of the same kind (grouped-query attention, separate LM head) for correctness checks.</summary>
    public static readonly LlamaConfig Small = new()
    {
        HiddenSize = 256, IntermediateSize = 688, NumHiddenLayers = 3, NumAttentionHeads = 8,
        NumKeyValueHeads = 2, VocabSize = 1000, RmsNormEps = 1e-5, RopeTheta = 10000, TorchDtype = "bfloat16",
    };

    /// <summary>
    /// A model of another family at the shape of <paramref name="basis"/> (TinyLlama's by default), with
    /// that family's traits: Qwen2 q/k/v biases; Qwen3 per-head q/k norms; Gemma GeLU, (1 + w) norms,
    /// scaled and tied embeddings, its 256k vocabulary; Gemma 2 also the extra norms, soft-caps and
    /// sliding windows on alternate layers; Mistral's window on every layer. Windows of 4096 do not
    /// cut the bench's short prompts, but their code path runs.
    /// </summary>
    public static LlamaConfig OfFamily(ModelFamily family, LlamaConfig basis)
    {
        bool[] alternate = Enumerable.Range(0, basis.NumHiddenLayers).Select(l => l % 2 == 0).ToArray();
        return family switch
        {
            ModelFamily.Llama => basis,
            ModelFamily.Mistral => basis with { Family = family, SlidingWindow = 4096, SlidingLayers = Enumerable.Repeat(true, basis.NumHiddenLayers).ToArray() },
            ModelFamily.Qwen2 => basis with { Family = family, QkvBias = true, BosTokenId = 1 },
            ModelFamily.Qwen3 => basis with { Family = family, QkNorm = true, HeadDimOverride = basis.HeadDim, BosTokenId = 1 },
            ModelFamily.Gemma => basis with
            {
                Family = family, HiddenAct = "gelu_pytorch_tanh", NormWeightPlusOne = true, ScaleEmbeddings = true, TieWordEmbeddings = true,
                HeadDimOverride = basis.HeadDim, VocabSize = basis == Small ? basis.VocabSize : 256000, BosTokenId = 2, EosTokenIds = [1],
            },
            ModelFamily.Gemma2 => OfFamily(ModelFamily.Gemma, basis) with
            {
                Family = family, SandwichNorms = true, QueryPreAttnScalar = basis.HeadDim, AttnLogitSoftcapping = 50, FinalLogitSoftcapping = 30,
                SlidingWindow = 4096, SlidingLayers = alternate,
            },
            _ => throw new ArgumentException(family.ToString()),
        };
    }

    /// <summary>"tinyllama", "small", or either with a family: "tinyllama-gemma2", "small-qwen3".</summary>
    public static LlamaConfig ByName(string name)
    {
        string[] parts = name.Split('-', 2);
        var basis = parts[0] switch
        {
            "tinyllama" => TinyLlama,
            "small" => Small,
            _ => throw new ArgumentException($"unknown synthetic model '{name}' (tinyllama, small, optionally -mistral, -qwen2, -qwen3, -gemma, -gemma2)"),
        };
        if (parts.Length == 1) return basis;
        var family = FamilyInfo.All.FirstOrDefault(f => f.ModelType == parts[1])
                     ?? throw new ArgumentException($"unknown family '{parts[1]}' in '{name}'");
        return OfFamily(family.Family, basis);
    }

    public static bool IsSynthetic(string name)
    {
        try { ByName(name); return true; }
        catch (ArgumentException) { return false; }
    }

    public static string CacheRoot => Environment.GetEnvironmentVariable("RELNEURONS_BENCH_CACHE") ?? Path.Combine(Path.GetTempPath(), "relneurons-bench");

    /// <summary>The folder of the named synthetic model, written first if absent or incomplete.</summary>
    public static string Ensure(string name)
    {
        var config = ByName(name);
        string dir = Path.Combine(CacheRoot, "synthetic-" + name);
        string done = Path.Combine(dir, ".complete");
        if (File.Exists(done)) return dir;
        Directory.CreateDirectory(dir);
        long bytes = Tensors(config).Sum(t => t.Count * 2);
        var drive = new DriveInfo(dir);
        if (drive.AvailableFreeSpace < bytes + (256L << 20))
            throw new IOException($"{dir}: {bytes / 1e9:F1} GB needed, {drive.AvailableFreeSpace / 1e9:F1} GB free");
        Console.Error.WriteLine($"writing synthetic model '{name}' ({bytes / 1e9:F2} GB BF16) to {dir} ...");
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJson());
        AtomicFile.Write(Path.Combine(dir, "model.safetensors"), stream => Write(config, stream));
        File.WriteAllText(done, "");
        return dir;
    }

    internal static IEnumerable<(string Name, long[] Shape, long Count, bool IsNorm)> Tensors(LlamaConfig c)
    {
        int h = c.HiddenSize, f = c.IntermediateSize, qw = c.QueryWidth, kvw = c.KeyValueWidth;
        yield return ("model.embed_tokens.weight", [c.VocabSize, h], (long)c.VocabSize * h, false);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = "model.layers." + l.ToString(CultureInfo.InvariantCulture) + ".";
            yield return (p + "input_layernorm.weight", [h], h, true);
            yield return (p + "self_attn.q_proj.weight", [qw, h], (long)qw * h, false);
            yield return (p + "self_attn.k_proj.weight", [kvw, h], (long)kvw * h, false);
            yield return (p + "self_attn.v_proj.weight", [kvw, h], (long)kvw * h, false);
            if (c.QkvBias)
            {
                yield return (p + "self_attn.q_proj.bias", [qw], qw, false);
                yield return (p + "self_attn.k_proj.bias", [kvw], kvw, false);
                yield return (p + "self_attn.v_proj.bias", [kvw], kvw, false);
            }
            if (c.QkNorm)
            {
                yield return (p + "self_attn.q_norm.weight", [c.HeadDim], c.HeadDim, true);
                yield return (p + "self_attn.k_norm.weight", [c.HeadDim], c.HeadDim, true);
            }
            yield return (p + "self_attn.o_proj.weight", [h, qw], (long)h * qw, false);
            yield return (p + "post_attention_layernorm.weight", [h], h, true);
            if (c.SandwichNorms)
            {
                yield return (p + "pre_feedforward_layernorm.weight", [h], h, true);
                yield return (p + "post_feedforward_layernorm.weight", [h], h, true);
            }
            yield return (p + "mlp.gate_proj.weight", [f, h], (long)f * h, false);
            yield return (p + "mlp.up_proj.weight", [f, h], (long)f * h, false);
            yield return (p + "mlp.down_proj.weight", [h, f], (long)h * f, false);
        }
        yield return ("model.norm.weight", [h], h, true);
        if (!c.TieWordEmbeddings) yield return ("lm_head.weight", [c.VocabSize, h], (long)c.VocabSize * h, false);
    }

    private static void Write(LlamaConfig config, Stream stream)
    {
        var tensors = Tensors(config).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        long offset = 0;
        foreach (var t in tensors)
        {
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "BF16",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + t.Count * 2),
            };
            offset += t.Count * 2;
        }
        SafetensorsHeader.Write(stream, header);

        var buffer = new byte[1 << 20];
        foreach (var t in tensors)
        {
            ulong state = Seed(t.Name);
            // Uniform on [-a, a] has standard deviation a/√3.
            float amplitude = t.IsNorm ? 0.1f : 0.02f * MathF.Sqrt(3f);
            float center = t.IsNorm && !config.NormWeightPlusOne ? 1f : 0f;
            long left = t.Count;
            while (left > 0)
            {
                int n = (int)Math.Min(left, buffer.Length / 2);
                for (int i = 0; i < n; i++)
                {
                    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                    float u = (state >> 40) / (float)(1 << 24) * 2f - 1f;
                    BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(2 * i), BFloat16.FromSingle(center + amplitude * u));
                }
                stream.Write(buffer, 0, 2 * n);
                left -= n;
            }
        }
    }

    private static ulong Seed(string name)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char ch in name) { hash ^= ch; hash *= 0x100000001B3UL; }
        return hash | 1;
    }
}
