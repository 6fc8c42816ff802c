using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RelationNeurons.Bench.Peers;

/// <summary>
/// A plain Llama forward pass on libtorch (through TorchSharp), written for the benchmark as a
/// PyTorch user would write it: weights from the same safetensors file, in float32 or bfloat16;
/// RMSNorm, RoPE and the MLP as in Hugging Face's modeling_llama. Prompts are packed like ours
/// (the projections see all tokens of the batch as one [tokens × hidden] matrix, so no padding
/// work), attention is scaled_dot_product_attention per prompt with the causal flag.
/// With capture, silu(gate)·up of every layer is mean-pooled per prompt (index_add_ over the
/// packed rows) into float32 arrays, as our recorder does; without it, last-position logits.
/// </summary>
internal sealed class TorchLlama : IDisposable
{
    private sealed record Layer(Tensor InputNorm, Tensor Q, Tensor K, Tensor V, Tensor O, Tensor PostNorm, Tensor Gate, Tensor Up, Tensor Down);

    private readonly LlamaConfig _c;
    private readonly ScalarType _dtype;
    private readonly Tensor _embed, _finalNorm, _lmHead, _invFreq;
    private readonly Layer[] _layers;

    public TorchLlama(string directory, LlamaConfig config, ScalarType dtype)
    {
        _c = config; _dtype = dtype;
        using var file = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors"));
        Tensor Load(string name)
        {
            var info = file.Get(name);
            var values = file.ReadFloat32(name);
            using var t = torch.tensor(values, info.Shape);
            return t.to(dtype); // exact: the file holds bf16 (or f32 for the f32 peer)
        }
        _embed = Load("model.embed_tokens.weight");
        _layers = new Layer[config.NumHiddenLayers];
        for (int l = 0; l < _layers.Length; l++)
        {
            string p = $"model.layers.{l}.";
            _layers[l] = new Layer(Load(p + "input_layernorm.weight"), Load(p + "self_attn.q_proj.weight"), Load(p + "self_attn.k_proj.weight"),
                Load(p + "self_attn.v_proj.weight"), Load(p + "self_attn.o_proj.weight"), Load(p + "post_attention_layernorm.weight"),
                Load(p + "mlp.gate_proj.weight"), Load(p + "mlp.up_proj.weight"), Load(p + "mlp.down_proj.weight"));
        }
        _finalNorm = Load("model.norm.weight");
        _lmHead = config.TieWordEmbeddings ? _embed : Load("lm_head.weight");
        int d = config.HeadDim;
        var inv = new float[d / 2];
        for (int i = 0; i < inv.Length; i++) inv[i] = 1f / MathF.Pow((float)config.RopeTheta, 2f * i / d);
        _invFreq = torch.tensor(inv);
    }

    /// <summary>
    /// One packed forward pass. Returns last-position logits [prompts × vocab] (float32) unless
    /// <paramref name="pooled"/> is given: then layer l's pooled MLP activations go to pooled[l]
    /// [prompts × d_ff] and no LM head is computed.
    /// </summary>
    public float[]? Forward(IReadOnlyList<int[]> prompts, float[][]? pooled)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int n = prompts.Sum(p => p.Length), b = prompts.Count;
        int heads = _c.NumAttentionHeads, kvHeads = _c.NumKeyValueHeads, d = _c.HeadDim, group = heads / kvHeads;
        var ids = new long[n];
        var positions = new float[n];
        var segment = new long[n];
        var starts = new int[b];
        var last = new long[b];
        var counts = new float[b];
        for (int s = 0, at = 0; s < b; s++)
        {
            starts[s] = at;
            for (int j = 0; j < prompts[s].Length; j++, at++) { ids[at] = prompts[s][j]; positions[at] = j; segment[at] = s; }
            last[s] = at - 1;
            counts[s] = prompts[s].Length;
        }
        var angle = torch.outer(torch.tensor(positions), _invFreq);
        var emb = torch.cat([angle, angle], -1);
        var cos = emb.cos().to(_dtype).unsqueeze(1); // [n, 1, d]: HF casts cos/sin to the activation type
        var sin = emb.sin().to(_dtype).unsqueeze(1);
        var segments = torch.tensor(segment);
        var countColumn = torch.tensor(counts).unsqueeze(1);

        var x = _embed.index_select(0, torch.tensor(ids));
        for (int l = 0; l < _layers.Length; l++)
        {
            var w = _layers[l];
            using var layerScope = torch.NewDisposeScope();
            var h = RmsNorm(x, w.InputNorm);
            var q = Rope(F.linear(h, w.Q).view(n, heads, d), cos, sin).transpose(0, 1);   // [heads, n, d]
            var k = Rope(F.linear(h, w.K).view(n, kvHeads, d), cos, sin).transpose(0, 1); // [kv, n, d]
            var v = F.linear(h, w.V).view(n, kvHeads, d).transpose(0, 1);
            var outputs = new Tensor[b];
            for (int s = 0; s < b; s++)
            {
                int len = prompts[s].Length;
                var qs = q.narrow(1, starts[s], len);
                var ks = k.narrow(1, starts[s], len).repeat_interleave(group, 0);
                var vs = v.narrow(1, starts[s], len).repeat_interleave(group, 0);
                outputs[s] = F.scaled_dot_product_attention(qs, ks, vs, is_casual: true);
            }
            var attention = torch.cat(outputs, 1).transpose(0, 1).reshape(n, heads * d);
            var x1 = x + F.linear(attention, w.O);
            var h2 = RmsNorm(x1, w.PostNorm);
            var act = F.silu(F.linear(h2, w.Gate)) * F.linear(h2, w.Up);
            if (pooled is not null)
            {
                var sums = torch.zeros(b, _c.IntermediateSize, ScalarType.Float32).index_add_(0, segments, act.to(ScalarType.Float32), 1.0);
                var mean = (sums / countColumn).contiguous();
                pooled[l] ??= new float[b * _c.IntermediateSize];
                mean.data<float>().CopyTo(pooled[l], 0);
            }
            var next = (x1 + F.linear(act, w.Down)).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        if (pooled is not null) return null;
        var final = RmsNorm(x.index_select(0, torch.tensor(last)), _finalNorm);
        var logits = F.linear(final, _lmHead).to(ScalarType.Float32).contiguous();
        return logits.data<float>().ToArray();
    }

    /// <summary>
    /// Greedy generation as HF's <c>generate</c> with its static KV cache: one packed prefill of the
    /// prompts (attention per prompt, as <see cref="Forward"/>), then decode steps of one row per
    /// prompt, batched: every prompt's keys and values sit in one [prompts × kv heads × positions ×
    /// head dim] tensor per layer and a mask limits each row to its own positions. EOS is ignored;
    /// returns the new ids of each prompt.
    /// </summary>
    public int[][] Generate(IReadOnlyList<int[]> prompts, int newTokens)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int b = prompts.Count, positions = prompts.Max(p => p.Length) + newTokens;
        var keys = new Tensor[_layers.Length];
        var values = new Tensor[_layers.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            keys[l] = torch.zeros(b, _c.NumKeyValueHeads, positions, _c.HeadDim, _dtype);
            values[l] = torch.zeros(b, _c.NumKeyValueHeads, positions, _c.HeadDim, _dtype);
        }
        var output = prompts.Select(_ => new int[newTokens]).ToArray();
        var past = prompts.Select(p => (long)p.Length).ToArray();
        var next = Prefill(prompts, keys, values).argmax(-1).data<long>().ToArray();
        var sequences = torch.arange(b);
        var slots = torch.arange(positions);
        for (int t = 0; ; t++)
        {
            for (int s = 0; s < b; s++) output[s][t] = (int)next[s];
            if (t == newTokens - 1) return output;
            using var stepScope = torch.NewDisposeScope();
            next = Decode(next, past, keys, values, sequences, slots).argmax(-1).data<long>().ToArray();
            for (int s = 0; s < b; s++) past[s]++;
        }
    }

    /// <summary>The prompts' pass, its keys and values written to the cache; last-position logits [b × vocab].</summary>
    private Tensor Prefill(IReadOnlyList<int[]> prompts, Tensor[] keys, Tensor[] values)
    {
        int b = prompts.Count, n = prompts.Sum(p => p.Length);
        int heads = _c.NumAttentionHeads, kvHeads = _c.NumKeyValueHeads, d = _c.HeadDim, group = heads / kvHeads;
        var ids = new long[n];
        var positions = new float[n];
        var starts = new int[b];
        var last = new long[b];
        for (int s = 0, at = 0; s < b; s++)
        {
            starts[s] = at;
            for (int j = 0; j < prompts[s].Length; j++, at++) { ids[at] = prompts[s][j]; positions[at] = j; }
            last[s] = at - 1;
        }
        var (cos, sin) = Rotation(positions);
        var x = _embed.index_select(0, torch.tensor(ids));
        for (int l = 0; l < _layers.Length; l++)
        {
            var w = _layers[l];
            var h = RmsNorm(x, w.InputNorm);
            var q = Rope(F.linear(h, w.Q).view(n, heads, d), cos, sin).transpose(0, 1);
            var k = Rope(F.linear(h, w.K).view(n, kvHeads, d), cos, sin).transpose(0, 1);
            var v = F.linear(h, w.V).view(n, kvHeads, d).transpose(0, 1);
            var outputs = new Tensor[b];
            for (int s = 0; s < b; s++)
            {
                int len = prompts[s].Length;
                var ks = k.narrow(1, starts[s], len);
                var vs = v.narrow(1, starts[s], len);
                keys[l][s].narrow(1, 0, len).copy_(ks);
                values[l][s].narrow(1, 0, len).copy_(vs);
                outputs[s] = F.scaled_dot_product_attention(q.narrow(1, starts[s], len),
                    ks.repeat_interleave(group, 0), vs.repeat_interleave(group, 0), is_casual: true);
            }
            var attention = torch.cat(outputs, 1).transpose(0, 1).reshape(n, heads * d);
            x = Mlp(x + F.linear(attention, w.O), w);
        }
        return F.linear(RmsNorm(x.index_select(0, torch.tensor(last)), _finalNorm), _lmHead);
    }

    /// <summary>One decode step: token <paramref name="ids"/>[s] at position past[s] of every prompt, batched; logits [b × vocab].</summary>
    private Tensor Decode(long[] ids, long[] past, Tensor[] keys, Tensor[] values, Tensor sequences, Tensor slots)
    {
        int b = ids.Length, heads = _c.NumAttentionHeads, kvHeads = _c.NumKeyValueHeads, d = _c.HeadDim, group = heads / kvHeads;
        var (cos, sin) = Rotation(past.Select(p => (float)p).ToArray());
        var at = torch.tensor(past);
        var mask = slots.unsqueeze(0).le(at.unsqueeze(1)).view(b, 1, 1, -1); // [b, 1, 1, positions]: a row sees its own past and itself
        var x = _embed.index_select(0, torch.tensor(ids));
        for (int l = 0; l < _layers.Length; l++)
        {
            var w = _layers[l];
            var h = RmsNorm(x, w.InputNorm);
            var q = Rope(F.linear(h, w.Q).view(b, heads, d), cos, sin).unsqueeze(2);              // [b, heads, 1, d]
            var k = Rope(F.linear(h, w.K).view(b, kvHeads, d), cos, sin);                       // [b, kv, d]
            var v = F.linear(h, w.V).view(b, kvHeads, d);
            keys[l].index_put_(k, TensorIndex.Tensor(sequences), TensorIndex.Colon, TensorIndex.Tensor(at));
            values[l].index_put_(v, TensorIndex.Tensor(sequences), TensorIndex.Colon, TensorIndex.Tensor(at));
            var attention = F.scaled_dot_product_attention(q, keys[l].repeat_interleave(group, 1), values[l].repeat_interleave(group, 1), attn_mask: mask);
            x = Mlp(x + F.linear(attention.reshape(b, heads * d), w.O), w);
        }
        return F.linear(RmsNorm(x, _finalNorm), _lmHead);
    }

    /// <summary>cos and sin [rows, 1, head dim] of the rotary angles at <paramref name="positions"/>, cast to the activation type as HF does.</summary>
    private (Tensor Cos, Tensor Sin) Rotation(float[] positions)
    {
        var angle = torch.outer(torch.tensor(positions), _invFreq);
        var emb = torch.cat([angle, angle], -1);
        return (emb.cos().to(_dtype).unsqueeze(1), emb.sin().to(_dtype).unsqueeze(1));
    }

    /// <summary>The residual after attention plus the MLP of its post-attention norm.</summary>
    private Tensor Mlp(Tensor x1, Layer w)
    {
        var h2 = RmsNorm(x1, w.PostNorm);
        return x1 + F.linear(F.silu(F.linear(h2, w.Gate)) * F.linear(h2, w.Up), w.Down);
    }

    /// <summary>HF LlamaRMSNorm: statistics in float32, then back to the activation type before the weight.</summary>
    private Tensor RmsNorm(Tensor x, Tensor weight)
    {
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * torch.rsqrt(x32.pow(2).mean([-1L], keepdim: true) + _c.RmsNormEps);
        return weight * normed.to(_dtype);
    }

    private static Tensor Rope(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        var rotated = torch.cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return x * cos + rotated * sin;
    }

    public void Dispose()
    {
        _embed.Dispose(); _finalNorm.Dispose(); _invFreq.Dispose();
        if (!ReferenceEquals(_lmHead, _embed)) _lmHead.Dispose();
        foreach (var w in _layers)
            foreach (var t in new[] { w.InputNorm, w.Q, w.K, w.V, w.O, w.PostNorm, w.Gate, w.Up, w.Down }) t.Dispose();
    }
}
