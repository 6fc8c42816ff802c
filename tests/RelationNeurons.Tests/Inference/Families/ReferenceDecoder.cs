namespace RelationNeurons.Tests.Inference.Families;

/// <summary>
/// A plain scalar decoder written from the Hugging Face modeling code of each family
/// (modeling_llama / mistral / qwen2 / qwen3 / gemma / gemma2), independent of the engine: its own
/// loops in float64 over the weights the test wrote, one sequence at a time, no cache. It runs
/// the whole sequence and returns every position's logits and the taps the tests compare.
/// </summary>
internal sealed class ReferenceDecoder(ReferenceSpec s, Dictionary<string, float[]> w)
{
    /// <summary>Per layer, units of hook_post (act(gate)·up) to set to zero.</summary>
    public Dictionary<int, int[]> ZeroedPost { get; init; } = [];

    public sealed class Run
    {
        public required double[][] Logits { get; init; }
        /// <summary>Tap name ("blocks.1.attn.hook_q") → [position][unit].</summary>
        public required Dictionary<string, double[][]> Taps { get; init; }
    }

    private double[] W(string name) => Array.ConvertAll(w[name], x => (double)x);

    /// <summary>y = x·Wᵀ (+ b) for W stored [rows × cols].</summary>
    private double[] Linear(double[] x, string weight, string? bias)
    {
        var m = w[weight];
        int cols = x.Length, rows = m.Length / cols;
        var y = new double[rows];
        var b = bias is null ? null : w[bias];
        for (int r = 0; r < rows; r++)
        {
            double acc = 0;
            for (int c = 0; c < cols; c++) acc += x[c] * m[r * cols + c];
            y[r] = acc + (b is null ? 0 : b[r]);
        }
        return y;
    }

    /// <summary>LlamaRMSNorm: w · x / sqrt(mean(x²) + eps); GemmaRMSNorm: (1 + w) · x / sqrt(...).</summary>
    private double[] RmsNorm(double[] x, string weight, bool plusOne)
    {
        var g = w[weight];
        double ms = 0;
        foreach (double v in x) ms += v * v;
        ms /= x.Length;
        double r = 1 / Math.Sqrt(ms + s.Eps);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * r * ((plusOne ? 1 : 0) + g[i]);
        return y;
    }

    private void Rope(double[] v, int offset, int position)
    {
        int d = s.HeadDim, half = d / 2;
        for (int i = 0; i < half; i++)
        {
            double invFreq = 1 / Math.Pow(s.Theta, 2.0 * i / d);
            double angle = position * invFreq, cos = Math.Cos(angle), sin = Math.Sin(angle);
            double x1 = v[offset + i], x2 = v[offset + i + half];
            v[offset + i] = x1 * cos - x2 * sin;
            v[offset + i + half] = x2 * cos + x1 * sin;
        }
    }

    private static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    private static double Silu(double x) => x / (1 + Math.Exp(-x));

    public Run Forward(int[] ids)
    {
        int n = ids.Length, h = s.Hidden, d = s.HeadDim, group = s.Heads / s.KvHeads;
        var taps = new Dictionary<string, double[][]>();
        void Tap(string name, int p, double[] value)
        {
            if (!taps.TryGetValue(name, out var rows)) taps[name] = rows = new double[n][];
            rows[p] = (double[])value.Clone();
        }

        // Embedding; Gemma multiplies by the normalizer sqrt(hidden) in the hidden dtype (float32).
        var x = new double[n][];
        var embed = w["model.embed_tokens.weight"];
        double normalizer = s.Gemma ? (float)Math.Sqrt(h) : 1;
        for (int p = 0; p < n; p++)
        {
            x[p] = new double[h];
            for (int i = 0; i < h; i++) x[p][i] = embed[ids[p] * h + i] * normalizer;
        }

        for (int l = 0; l < s.Layers; l++)
        {
            string pre = $"model.layers.{l}.", blk = $"blocks.{l}.";
            var q = new double[n][];
            var k = new double[n][];
            var v = new double[n][];
            for (int p = 0; p < n; p++)
            {
                Tap(blk + "hook_resid_pre", p, x[p]);
                var hn = RmsNorm(x[p], pre + "input_layernorm.weight", s.Gemma);
                q[p] = Linear(hn, pre + "self_attn.q_proj.weight", s.QkvBias ? pre + "self_attn.q_proj.bias" : null);
                k[p] = Linear(hn, pre + "self_attn.k_proj.weight", s.QkvBias ? pre + "self_attn.k_proj.bias" : null);
                v[p] = Linear(hn, pre + "self_attn.v_proj.weight", s.QkvBias ? pre + "self_attn.v_proj.bias" : null);
                Tap(blk + "attn.hook_q", p, q[p]);
                Tap(blk + "attn.hook_k", p, k[p]);
                Tap(blk + "attn.hook_v", p, v[p]);
                if (s.QkNorm)
                {
                    // Qwen3: q_norm / k_norm (plain RMSNorm over head_dim) on each head, before RoPE.
                    q[p] = NormHeads(q[p], pre + "self_attn.q_norm.weight");
                    k[p] = NormHeads(k[p], pre + "self_attn.k_norm.weight");
                }
                for (int hd = 0; hd < s.Heads; hd++) Rope(q[p], hd * d, p);
                for (int hd = 0; hd < s.KvHeads; hd++) Rope(k[p], hd * d, p);
            }
            int window = s.Window(l);
            for (int p = 0; p < n; p++)
            {
                var attn = new double[s.Heads * d];
                for (int hd = 0; hd < s.Heads; hd++)
                {
                    int kv = hd / group;
                    var scores = new double[p + 1];
                    double max = double.NegativeInfinity;
                    for (int t = 0; t <= p; t++)
                    {
                        // Sliding window: a key is masked when t <= p - window.
                        if (window > 0 && t <= p - window) { scores[t] = double.NegativeInfinity; continue; }
                        double dot = 0;
                        for (int i = 0; i < d; i++) dot += q[p][hd * d + i] * k[t][kv * d + i];
                        double score = dot * s.Scaling;
                        if (s.AttnCap is double cap) score = Math.Tanh(score / cap) * cap;
                        scores[t] = score;
                        max = Math.Max(max, score);
                    }
                    double sum = 0;
                    for (int t = 0; t <= p; t++) { scores[t] = Math.Exp(scores[t] - max); sum += scores[t]; }
                    for (int t = 0; t <= p; t++)
                        for (int i = 0; i < d; i++) attn[hd * d + i] += scores[t] / sum * v[t][kv * d + i];
                }
                var o = Linear(attn, pre + "self_attn.o_proj.weight", s.OBias ? pre + "self_attn.o_proj.bias" : null);
                Tap(blk + "hook_attn_out", p, o);
                // Gemma 2: post_attention_layernorm on the attention output, then the residual add.
                if (s.Sandwich) o = RmsNorm(o, pre + "post_attention_layernorm.weight", true);
                var mid = new double[h];
                for (int i = 0; i < h; i++) mid[i] = x[p][i] + o[i];
                Tap(blk + "hook_resid_mid", p, mid);

                var mn = RmsNorm(mid, pre + (s.Sandwich ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), s.Gemma);
                var gate = Linear(mn, pre + "mlp.gate_proj.weight", null);
                var up = Linear(mn, pre + "mlp.up_proj.weight", null);
                Tap(blk + "mlp.hook_pre", p, gate);
                Tap(blk + "mlp.hook_pre_linear", p, up);
                var post = new double[gate.Length];
                for (int i = 0; i < post.Length; i++) post[i] = (s.Gemma ? GeluTanh(gate[i]) : Silu(gate[i])) * up[i];
                if (ZeroedPost.TryGetValue(l, out var zero)) foreach (int u in zero) post[u] = 0;
                Tap(blk + "mlp.hook_post", p, post);
                var down = Linear(post, pre + "mlp.down_proj.weight", null);
                Tap(blk + "hook_mlp_out", p, down);
                if (s.Sandwich) down = RmsNorm(down, pre + "post_feedforward_layernorm.weight", true);
                var outp = new double[h];
                for (int i = 0; i < h; i++) outp[i] = mid[i] + down[i];
                Tap(blk + "hook_resid_post", p, outp);
                x[p] = outp;
            }
        }

        var logits = new double[n][];
        string head = s.Tied ? "model.embed_tokens.weight" : "lm_head.weight";
        for (int p = 0; p < n; p++)
        {
            logits[p] = Linear(RmsNorm(x[p], "model.norm.weight", s.Gemma), head, null);
            if (s.FinalCap is double cap)
                for (int i = 0; i < logits[p].Length; i++) logits[p][i] = Math.Tanh(logits[p][i] / cap) * cap;
        }
        return new Run { Logits = logits, Taps = taps };
    }

    private double[] NormHeads(double[] x, string weight)
    {
        int d = s.HeadDim;
        var y = new double[x.Length];
        for (int hd = 0; hd < x.Length / d; hd++)
        {
            var normed = RmsNorm(x[(hd * d)..((hd + 1) * d)], weight, false);
            normed.CopyTo(y, hd * d);
        }
        return y;
    }

    /// <summary>Greedy continuation: the argmax (first on ties) of the last position, fed back, recomputing everything.</summary>
    public int[] Greedy(int[] prompt, int newTokens)
    {
        var ids = prompt.ToList();
        var result = new List<int>();
        for (int i = 0; i < newTokens; i++)
        {
            var last = Forward(ids.ToArray()).Logits[^1];
            int best = 0;
            for (int t = 1; t < last.Length; t++) if (last[t] > last[best]) best = t;
            result.Add(best);
            ids.Add(best);
        }
        return result.ToArray();
    }
}
