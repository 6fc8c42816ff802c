using RelationNeurons.Hooks;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Models;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference;

/// <summary>
/// One forward step of a Llama-family decoder over a packed batch, in float32 (matrix products in
/// the options' <see cref="ComputePrecision"/>: <see cref="MatrixProducts"/>). Every per-row result is
/// computed the same way whatever else is in the batch, so batched and one-by-one runs agree
/// bit for bit (given matrix kernels whose row results do not depend on the row count).
/// The family's differences are data, not branches on the family: the config's traits (activation,
/// embedding scale, soft-caps, windows, attention scale) and the layer weights' optional parts
/// (biases, q/k norms, the extra norms) resolved at load, each step reading only what is there.
/// </summary>
internal sealed class ForwardPass
{
    private readonly LlamaConfig _config;
    private readonly LlamaWeights _weights;
    private readonly RotaryEmbedding _rope;
    private readonly EngineOptions _options;
    private readonly float _eps;
    private readonly float _scale;
    private readonly float _embeddingScale;
    private readonly float _attentionCap;
    private readonly float _logitCap;
    private readonly bool _gelu;
    private readonly int[] _windows;
    private readonly MatrixProducts _products;

    /// <summary>The matrix products, with the packed weight copies they keep.</summary>
    internal MatrixProducts Products => _products;

    /// <param name="packedFrom">Told of each weight matrix the products have packed a copy of (<see cref="MatrixProducts"/>).</param>
    public ForwardPass(LlamaConfig config, LlamaWeights weights, RotaryEmbedding rope, EngineOptions options, Action<WeightMatrix>? packedFrom = null)
    {
        _config = config; _weights = weights; _rope = rope; _options = options;
        _eps = (float)config.RmsNormEps;
        _scale = config.AttentionScale;
        // HF: hidden * torch.tensor(hidden_size ** 0.5, dtype=hidden dtype); float32 here.
        _embeddingScale = config.ScaleEmbeddings ? (float)Math.Sqrt(config.HiddenSize) : 0f;
        _attentionCap = (float)(config.AttnLogitSoftcapping ?? 0);
        _logitCap = (float)(config.FinalLogitSoftcapping ?? 0);
        _gelu = config.Activation == MlpActivation.GeluTanh;
        _windows = Enumerable.Range(0, config.NumHiddenLayers).Select(config.AttentionWindow).ToArray();
        _products = new MatrixProducts(options.Compute, options.Bf16Kernel, options.PackWeights, packedFrom);
    }

    /// <summary>
    /// Runs all decoder blocks on the rows of <paramref name="batch"/>; leaves the last residual
    /// stream in <c>ws.Residual</c>. With a cache, new keys/values are appended to each sequence's
    /// slot and attention reads the slot; without, every sequence must start at position 0.
    /// <paramref name="layerCount"/> below the model's depth stops early (nothing after is observed).
    /// A pass <paramref name="from"/> a point other than the start embeds nothing: the caller has put
    /// the saved state there into <c>ws.Residual</c> (and <c>ws.Up</c> for <see cref="LayerStage.MlpPost"/>)
    /// and the keys/values of the skipped layers into the cache. A pass <paramref name="to"/> a point
    /// stops just before it, leaving that state in the same buffers (no tap at or after it runs).
    /// A pass with <paramref name="stopAfter"/> returns right after that tap has run, when nothing
    /// later is observed (e.g. a record's last <c>mlp.hook_post</c>: the last down_proj is skipped).
    /// </summary>
    public void Run(BatchLayout batch, ReadOnlySpan<int> tokens, KvCache? cache, HookRuntime? hooks, Workspace ws, int layerCount = int.MaxValue,
        LayerPoint from = default, LayerPoint? to = null, HookPoint? stopAfter = null)
    {
        var stop = to ?? LayerPoint.End;
        var c = _config;
        int rows = batch.RowCount, h = c.HiddenSize, qw = c.QueryWidth, kvw = c.KeyValueWidth, f = c.IntermediateSize;
        int maxContext = batch.MaxContext;
        ws.Ensure(c, rows, batch.SequenceCount * c.NumAttentionHeads, maxContext);
        _rope.EnsurePositions(maxContext);

        var x = ws.Residual.AsSpan(0, rows * h);
        if (from.IsStart) Embed(tokens, x);

        int layers = Math.Min(layerCount, c.NumHiddenLayers);
        for (int l = from.Layer; l < layers; l++)
        {
            if (stop == new LayerPoint(l, LayerStage.Attention)) return;
            var w = _weights.Layers[l];
            var normed = ws.Normed.AsSpan(0, rows * h);
            var projected = ws.Projection.AsSpan(0, rows * h);
            var gate = ws.Gate.AsSpan(0, rows * f);
            var up = ws.Up.AsSpan(0, rows * f);
            bool resumedHere = l == from.Layer;

            if (!resumedHere || from.Stage == LayerStage.Attention)
            {
                if (Tap(hooks, l, TapKind.ResidPre, x, h, batch, stopAfter)) return;

                NormRows(x, w.InputNorm, normed, rows);
                var q = ws.Q.AsSpan(0, rows * qw);
                var k = ws.K.AsSpan(0, rows * kvw);
                var v = ws.V.AsSpan(0, rows * kvw);
                _products.Multiply(normed, rows, w.Q, q);
                AddBias(q, w.QBias, rows);
                if (Tap(hooks, l, TapKind.Q, q, qw, batch, stopAfter)) return;
                _products.Multiply(normed, rows, w.K, k);
                AddBias(k, w.KBias, rows);
                if (Tap(hooks, l, TapKind.K, k, kvw, batch, stopAfter)) return;
                _products.Multiply(normed, rows, w.V, v);
                AddBias(v, w.VBias, rows);
                if (Tap(hooks, l, TapKind.V, v, kvw, batch, stopAfter)) return;

                // Per-head q/k norms (Qwen3) act on the projections after their taps, before RoPE.
                if (w.QNorm is { } qn) NormRows(q, qn, q, rows * c.NumAttentionHeads);
                if (w.KNorm is { } kn) NormRows(k, kn, k, rows * c.NumKeyValueHeads);
                for (int r = 0; r < rows; r++)
                {
                    int position = batch.PositionOfRow(r);
                    _rope.Apply(q.Slice(r * qw, qw), c.NumAttentionHeads, position);
                    _rope.Apply(k.Slice(r * kvw, kvw), c.NumKeyValueHeads, position);
                }
                if (cache is not null) AppendToCache(cache, l, batch, k, v);

                var attention = ws.Attention.AsSpan(0, rows * qw);
                Attend(l, batch, cache, ws);

                _products.Multiply(attention, rows, w.O, projected);
                AddBias(projected, w.OBias, rows);
                if (Tap(hooks, l, TapKind.AttnOut, projected, h, batch, stopAfter)) return;
                // Gemma 2 normalizes the attention output before the residual add (after hook_attn_out).
                if (w.AttentionOutputNorm is { } an) NormRows(projected, an, projected, rows);
                VectorOps.Add(x, projected, x);
                if (Tap(hooks, l, TapKind.ResidMid, x, h, batch, stopAfter)) return;
            }
            if (stop == new LayerPoint(l, LayerStage.Mlp)) return;

            if (!resumedHere || from.Stage != LayerStage.MlpPost)
            {
                NormRows(x, w.PostAttentionNorm, normed, rows);
                _products.Multiply(normed, rows, w.Gate, gate);
                if (Tap(hooks, l, TapKind.MlpPre, gate, f, batch, stopAfter)) return;
                _products.Multiply(normed, rows, w.Up, up);
                if (Tap(hooks, l, TapKind.MlpPreLinear, up, f, batch, stopAfter)) return;
                if (_gelu) VectorOps.GeluTanhMulParallel(gate, up, up);
                else VectorOps.SiluMulParallel(gate, up, up);
            }
            if (stop == new LayerPoint(l, LayerStage.MlpPost)) return;

            if (Tap(hooks, l, TapKind.MlpPost, up, f, batch, stopAfter)) return;
            _products.Multiply(up, rows, w.Down, projected);
            if (Tap(hooks, l, TapKind.MlpOut, projected, h, batch, stopAfter)) return;
            // Gemma 2 normalizes the MLP output before the residual add (after hook_mlp_out).
            if (w.MlpOutputNorm is { } mn) NormRows(projected, mn, projected, rows);
            VectorOps.Add(x, projected, x);
            if (Tap(hooks, l, TapKind.ResidPost, x, h, batch, stopAfter)) return;
        }
    }

    /// <summary>Runs the tap's hooks; true when the pass ends here (<paramref name="stopAfter"/>).</summary>
    private static bool Tap(HookRuntime? hooks, int layer, TapKind kind, Span<float> data, int width, BatchLayout batch, HookPoint? stopAfter)
    {
        if (hooks is not null && hooks.IsActive(layer, kind)) hooks.Run(layer, kind, data, width, batch);
        return stopAfter is { } last && last.Layer == layer && last.Kind == kind;
    }

    /// <summary>RMSNorm of each row of width weight.Length (y may be x: each element is read before it is written).</summary>
    private void NormRows(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, int rows)
    {
        int h = weight.Length;
        for (int r = 0; r < rows; r++) VectorOps.RmsNorm(x.Slice(r * h, h), weight, _eps, y.Slice(r * h, h));
    }

    /// <summary>Adds a projection's bias to every row (nothing without one).</summary>
    private static void AddBias(Span<float> y, float[]? bias, int rows)
    {
        if (bias is null) return;
        int w = bias.Length;
        for (int r = 0; r < rows; r++) VectorOps.Add(y.Slice(r * w, w), bias, y.Slice(r * w, w));
    }

    /// <summary>Embedding rows widened from their stored type, one token at a time.</summary>
    private void Embed(ReadOnlySpan<int> tokens, Span<float> x)
    {
        var e = _weights.Embedding;
        int h = _config.HiddenSize;
        for (int r = 0; r < tokens.Length; r++)
        {
            int id = tokens[r];
            if ((uint)id >= (uint)e.Rows)
                throw new UserInputException($"token id {id} is out of range for the vocabulary of {e.Rows}");
            WeightRows.Widen(e, id, x.Slice(r * h, h));
            if (_embeddingScale != 0f) VectorOps.Scale(x.Slice(r * h, h), _embeddingScale);
        }
    }

    private static void AppendToCache(KvCache cache, int layer, BatchLayout batch, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int kvw = cache.KeyValueWidth;
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            int slot = batch.CacheSlot(s), start = batch.RowStart(s), count = batch.RowCountOf(s), past = batch.PastLength(s);
            k.Slice(start * kvw, count * kvw).CopyTo(cache.Keys(layer, slot)[(past * kvw)..]);
            v.Slice(start * kvw, count * kvw).CopyTo(cache.Values(layer, slot)[(past * kvw)..]);
        }
    }

    /// <summary>
    /// Causal grouped-query attention, one work item per (sequence, key/value head): the query
    /// heads sharing that key/value head are handled together so each key and value row is read
    /// once per query row. Per query head the arithmetic is the same as head-by-head attention.
    /// </summary>
    private void Attend(int layer, BatchLayout batch, KvCache? cache, Workspace ws)
    {
        var c = _config;
        int items = batch.SequenceCount * c.NumKeyValueHeads;
        int maxContext = batch.MaxContext;
        long work = (long)batch.RowCount * c.NumAttentionHeads * maxContext * c.HeadDim;
        if (_options.ParallelAttention && items > 1 && work >= 1 << 16)
            KernelParallel.Run(new AttendJob(this, layer, batch, cache, ws, maxContext), items, KernelOptions.MaxThreads);
        else
            for (int item = 0; item < items; item++) AttendItem(layer, batch, cache, ws, item, maxContext);
    }

    private sealed class AttendJob(ForwardPass pass, int layer, BatchLayout batch, KvCache? cache, Workspace ws, int maxContext) : ParallelJob
    {
        public override void Run(int item) => pass.AttendItem(layer, batch, cache, ws, item, maxContext);
    }

    private void AttendItem(int layer, BatchLayout batch, KvCache? cache, Workspace ws, int item, int maxContext)
    {
        var c = _config;
        int kvHeads = c.NumKeyValueHeads, group = c.NumAttentionHeads / kvHeads, hd = c.HeadDim, qw = c.QueryWidth, kvw = c.KeyValueWidth;
        int s = item / kvHeads, kvHead = item % kvHeads;
        int start = batch.RowStart(s), count = batch.RowCountOf(s), past = batch.PastLength(s);

        ReadOnlySpan<float> keys, values;
        if (cache is not null)
        {
            keys = cache.Keys(layer, batch.CacheSlot(s));
            values = cache.Values(layer, batch.CacheSlot(s));
        }
        else
        {
            if (past != 0) throw new InvalidOperationException("a step without KV cache must start at position 0");
            keys = ws.K.AsSpan(start * kvw, count * kvw);
            values = ws.V.AsSpan(start * kvw, count * kvw);
        }

        var scores = ws.Scores.AsSpan(item * group * maxContext, group * maxContext);
        int firstHead = kvHead * group;
        int window = _windows[layer];
        float cap = _attentionCap;
        for (int j = 0; j < count; j++)
        {
            int row = start + j, visible = past + j + 1;
            // A sliding layer sees the last `window` positions, its own included (HF: key > query − window).
            int lo = window > 0 ? Math.Max(0, visible - window) : 0;
            var queries = ws.Q.AsSpan(row * qw + firstHead * hd, group * hd);
            for (int t = lo; t < visible; t++)
            {
                var key = keys.Slice(t * kvw + kvHead * hd, hd);
                for (int g = 0; g < group; g++)
                    scores[g * maxContext + t] = VectorOps.Dot(queries.Slice(g * hd, hd), key) * _scale;
            }
            if (cap != 0f)
                for (int g = 0; g < group; g++)
                    SoftCap(scores.Slice(g * maxContext + lo, visible - lo), cap);
            var outputs = ws.Attention.AsSpan(row * qw + firstHead * hd, group * hd);
            outputs.Clear();
            for (int g = 0; g < group; g++) VectorOps.SoftmaxInPlace(scores.Slice(g * maxContext + lo, visible - lo));
            for (int t = lo; t < visible; t++)
            {
                var value = values.Slice(t * kvw + kvHead * hd, hd);
                for (int g = 0; g < group; g++)
                    VectorOps.Axpy(scores[g * maxContext + t], value, outputs.Slice(g * hd, hd));
            }
        }
    }

    /// <summary>x = cap·tanh(x / cap), as HF's soft-capping (three float32 steps).</summary>
    private static void SoftCap(Span<float> x, float cap)
    {
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Tanh(x[i] / cap) * cap;
    }

    /// <summary>Final norm and LM head for the chosen rows of the last residual stream: logits [rows.Length × vocab].</summary>
    public void Logits(Workspace ws, ReadOnlySpan<int> rows, Span<float> logits)
    {
        int h = _config.HiddenSize;
        var input = ws.HeadInput.AsSpan(0, rows.Length * h);
        for (int i = 0; i < rows.Length; i++)
            VectorOps.RmsNorm(ws.Residual.AsSpan(rows[i] * h, h), _weights.FinalNorm, _eps, input.Slice(i * h, h));
        _products.Multiply(input, rows.Length, _weights.LmHead, logits[..(rows.Length * _config.VocabSize)]);
        if (_logitCap != 0f) SoftCap(logits[..(rows.Length * _config.VocabSize)], _logitCap);
    }
}
