using RelationNeurons.Inference;
using RelationNeurons.Models.Gguf;
using RelationNeurons.Tensors;

namespace RelationNeurons.Tests.Gguf;

/// <summary>Llama GGUF files with every supported block type, built tensor by tensor.</summary>
public sealed class GgufModelTests : IDisposable
{
    private readonly string _dir = GgufTestModels.TempFolder("model");

    public void Dispose() => GgufTestModels.Delete(_dir);

    private const int Hidden = 256, Heads = 4, KvHeads = 2, Ff = 256, Vocab = 64, HeadDim = Hidden / Heads;

    private static float ScaleFor(WeightType t) => t switch
    {
        WeightType.Q8_0 => 0.004f, WeightType.Q4_0 => 0.02f, WeightType.Q4_K => 0.002f, _ => 0.0004f,
    };

    /// <summary>A one-layer Llama GGUF whose matrices use the given types (random blocks), optionally leaving a tensor out or retyping one.</summary>
    private string Build(string name, Func<string, WeightType> typeOf, string? omit = null, (string Name, GgmlType Type)? raw = null)
    {
        var w = new GgufWriter();
        w.AddString("general.architecture", "llama");
        w.AddUInt32("llama.embedding_length", Hidden).AddUInt32("llama.block_count", 1).AddUInt32("llama.feed_forward_length", Ff);
        w.AddUInt32("llama.attention.head_count", Heads).AddUInt32("llama.attention.head_count_kv", KvHeads);
        w.AddUInt32("llama.rope.dimension_count", HeadDim).AddFloat32("llama.rope.freq_base", 500000f);
        w.AddFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f).AddUInt32("llama.context_length", 64);
        int seed = 0;
        void M(string tensor, int rows, int cols)
        {
            seed++;
            if (tensor == omit) return;
            if (raw is { } r && r.Name == tensor)
            {
                w.AddTensor(tensor, [cols, rows], r.Type, new byte[rows * cols / 256 * 176]);
                return;
            }
            var t = typeOf(tensor);
            var data = QuantizedBlocksData.Random(t, rows * cols / QuantizedLayout.BlockElements(t), seed, scaleRange: ScaleFor(t));
            w.AddTensor(tensor, [cols, rows], GgmlTypes.FromWeightType(t), data);
        }
        void V(string tensor) => w.AddF32(tensor, Enumerable.Range(0, Hidden).Select(i => 0.9f + 0.001f * i).ToArray(), Hidden);
        M("token_embd.weight", Vocab, Hidden);
        V("blk.0.attn_norm.weight");
        M("blk.0.attn_q.weight", Hidden, Hidden);
        M("blk.0.attn_k.weight", KvHeads * HeadDim, Hidden);
        M("blk.0.attn_v.weight", KvHeads * HeadDim, Hidden);
        M("blk.0.attn_output.weight", Hidden, Hidden);
        V("blk.0.ffn_norm.weight");
        M("blk.0.ffn_gate.weight", Ff, Hidden);
        M("blk.0.ffn_up.weight", Ff, Hidden);
        M("blk.0.ffn_down.weight", Hidden, Ff);
        V("output_norm.weight");
        M("output.weight", Vocab, Hidden);
        string path = Path.Combine(_dir, name + ".gguf");
        w.Save(path);
        return path;
    }

    private static readonly int[][] Prompts = [[1, 5, 9, 33, 2, 60], [7], [3, 3, 3, 40]];

    public static TheoryData<string> Mixes() => new() { "Q8_0", "Q4_0", "Q4_K", "Q6_K", "mixed" };

    private static WeightType Mix(string mix, string tensor)
    {
        if (mix != "mixed") return Enum.Parse<WeightType>(mix);
        WeightType[] all = [WeightType.Q4_K, WeightType.Q6_K, WeightType.Q4_0, WeightType.Q8_0];
        return all[(tensor.GetHashCode(StringComparison.Ordinal) & 0x7fffffff) % all.Length] is var t && tensor.Contains("attn_q") ? WeightType.Q4_K
             : tensor.Contains("attn_k") ? WeightType.Q6_K : t;
    }

    [Theory, MemberData(nameof(Mixes))]
    public void QuantizedModelEqualsItsDequantizedFloat32Copy(string mix)
    {
        string path = Build(mix, t => Mix(mix, t));
        using var gguf = LlamaModel.Load(path);
        Assert.Equal(Vocab, gguf.Config.VocabSize);
        Assert.Equal(500000.0, gguf.Config.RopeTheta);
        if (mix != "mixed") Assert.Equal(mix, gguf.Weights.StorageDtype);
        string dense = Path.Combine(_dir, mix + "-dense");
        Directory.CreateDirectory(dense);
        GgufTestModels.WriteAsF32Folder(gguf, dense);
        using var reference = LlamaModel.Load(dense);
        Assert.True(GgufTestModels.MaxAbsLogit(reference, Prompts) > 0.1f);
        Assert.Equal(0f, GgufTestModels.MaxLogitDifference(reference, gguf, Prompts));
        Assert.Equal(reference.Generate(Prompts[0], 5, stopAtEos: false).AllIds, gguf.Generate(Prompts[0], 5, stopAtEos: false).AllIds);
    }

    [Fact]
    public void StoredQRowsAreUnpermutedForHooks()
    {
        // The engine's logical Q row r must be stored row RopeRowMap[r]: compare the bytes the view points at.
        string path = Build("perm", _ => WeightType.Q8_0);
        using var gguf = LlamaModel.Load(path);
        var q = gguf.Weights.Layers[0].Q;
        var map = GgufWeights.RopeRowMap(Hidden, Heads);
        Assert.Equal(0, map[0]);
        unsafe
        {
            long rowBytes = QuantizedLayout.RowBytes(WeightType.Q8_0, Hidden);
            for (int r = 0; r < Hidden; r++) Assert.Equal(map[r] * rowBytes, q.RowPointer(r) - q.RowPointer(0));
        }
        Assert.Equal(1, map[HeadDim / 2]); // second half of head 0 starts at stored row 1
    }

    [Fact]
    public void MissingOrUnsupportedTensorsAreUserErrors()
    {
        string missing = Build("missing", _ => WeightType.Q8_0, omit: "blk.0.ffn_up.weight");
        var e = Assert.Throws<UserInputException>(() => LlamaModel.Load(missing));
        Assert.Contains("tensor 'blk.0.ffn_up.weight' not found", e.Message);

        string q5 = Build("q5k", _ => WeightType.Q8_0, raw: ("blk.0.ffn_gate.weight", GgmlType.Q5_K));
        e = Assert.Throws<UserInputException>(() => LlamaModel.Load(q5));
        Assert.Contains("'blk.0.ffn_gate.weight' has type Q5_K", e.Message);

        var w = new GgufWriter();
        w.AddString("general.architecture", "falcon");
        string falcon = Path.Combine(_dir, "falcon.gguf");
        w.Save(falcon);
        e = Assert.Throws<UserInputException>(() => LlamaModel.Load(falcon));
        Assert.Contains("architecture 'falcon' is not supported", e.Message);

        e = Assert.Throws<UserInputException>(() => LlamaModel.Load(Path.Combine(_dir, "absent.gguf")));
        Assert.Contains("file not found", e.Message);
    }
}
