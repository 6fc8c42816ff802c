using System.Numerics;
using RelationNeurons.Models;

namespace RelationNeurons.Training;

/// <summary>
/// The Llama forward pass with every activation the backward pass needs kept, and the backward
/// pass itself. Generic over the float type so that gradient checks run the very same code in
/// float64; training uses float32. Llama only: it is a second copy of the engine's forward pass
/// without the other families' traits (norm offset, biases, q/k norms, soft-caps, windows), so a
/// config of another family is refused here rather than trained as Llama.
/// </summary>
public sealed class TrainableLlama<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RopeTable<T> _rope;
    private readonly AttentionOp<T> _attention;

    public LlamaConfig Config { get; }
    public ParameterSet<T> Parameters { get; }
    public int MaxSequenceLength { get; }

    public TrainableLlama(LlamaConfig config, int maxSequenceLength, ParameterSet<T>? parameters = null)
    {
        if (config.Family != ModelFamily.Llama || config.QkvBias || config.OutputBias)
            throw new UserInputException($"the trainer runs LlamaForCausalLM without biases only, not {config.Architecture}{(config.QkvBias ? " with attention_bias" : "")}");
        Config = config;
        MaxSequenceLength = maxSequenceLength;
        Parameters = parameters ?? new ParameterSet<T>(config);
        _rope = new RopeTable<T>(config, maxSequenceLength);
        _attention = new AttentionOp<T>(config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim);
    }

    internal sealed class LayerActivations
    {
        public required T[] X, H1, Rstd1, Q, K, V, P, Attn, XMid, H2, Rstd2, G, U, A;
    }

    /// <summary>Everything one forward pass keeps for its backward pass.</summary>
    public sealed class Activations
    {
        internal TokenBatch Batch = null!;
        internal LayerActivations[] Layers = [];
        internal T[] XFinal = [], HFinal = [], RstdFinal = [], Logits = [], DLogits = [];
        public double Loss { get; internal set; }
        /// <summary>Row-major [rows × vocab] logits of the last forward pass.</summary>
        public ReadOnlySpan<T> Logits2D => Logits.AsSpan(0, Batch.Rows * _vocab);
        internal int _vocab;
    }

    /// <summary>Runs the model on a batch, returns the weighted cross-entropy; keeps activations for <see cref="Backward"/>.</summary>
    public Activations Forward(TokenBatch batch)
    {
        foreach (int len in batch.Lengths)
            if (len > MaxSequenceLength) throw new ArgumentException($"sequence of {len} tokens exceeds the maximum {MaxSequenceLength}");
        var c = Config;
        int n = batch.Rows, d = c.HiddenSize, qw = c.QueryWidth, kw = c.KeyValueWidth, f = c.IntermediateSize, vocab = c.VocabSize;
        var ps = Parameters;
        var act = new Activations { Batch = batch, _vocab = vocab, Layers = new LayerActivations[c.NumHiddenLayers] };

        var x = new T[n * d];
        EmbeddingOp.Forward(ps.Embedding.Value, batch.Inputs, x, d);
        long pLen = _attention.ProbabilityLength(batch.Lengths);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            var lp = ps.Layers[l];
            var a = new LayerActivations
            {
                X = x, H1 = new T[n * d], Rstd1 = new T[n], Q = new T[n * qw], K = new T[n * kw], V = new T[n * kw],
                P = new T[pLen], Attn = new T[n * qw], XMid = new T[n * d], H2 = new T[n * d], Rstd2 = new T[n],
                G = new T[n * f], U = new T[n * f], A = new T[n * f],
            };
            RmsNormOp.Forward(a.X, lp.InputNorm.Value, a.H1, a.Rstd1, n, d, c.RmsNormEps);
            LinearOp.Forward(a.H1, lp.Q.Value, a.Q, n, d, qw);
            LinearOp.Forward(a.H1, lp.K.Value, a.K, n, d, kw);
            LinearOp.Forward(a.H1, lp.V.Value, a.V, n, d, kw);
            _rope.Apply(a.Q, batch.Positions, c.NumAttentionHeads, inverse: false);
            _rope.Apply(a.K, batch.Positions, c.NumKeyValueHeads, inverse: false);
            _attention.Forward(a.Q, a.K, a.V, a.Attn, a.P, batch.Starts, batch.Lengths);
            LinearOp.Forward(a.Attn, lp.O.Value, a.XMid, n, qw, d);
            Add(a.XMid, a.X, n * d);
            RmsNormOp.Forward(a.XMid, lp.PostNorm.Value, a.H2, a.Rstd2, n, d, c.RmsNormEps);
            LinearOp.Forward(a.H2, lp.Gate.Value, a.G, n, d, f);
            LinearOp.Forward(a.H2, lp.Up.Value, a.U, n, d, f);
            SwiGluOp.Forward(a.G, a.U, a.A, n * f);
            var next = new T[n * d];
            LinearOp.Forward(a.A, lp.Down.Value, next, n, f, d);
            Add(next, a.XMid, n * d);
            act.Layers[l] = a;
            x = next;
        }
        act.XFinal = x;
        act.HFinal = new T[n * d];
        act.RstdFinal = new T[n];
        RmsNormOp.Forward(x, ps.FinalNorm.Value, act.HFinal, act.RstdFinal, n, d, c.RmsNormEps);
        act.Logits = new T[n * vocab];
        LinearOp.Forward(act.HFinal, ps.LmHead.Value, act.Logits, n, d, vocab);
        act.DLogits = new T[n * vocab];
        act.Loss = CrossEntropyOp.LossAndGradient(act.Logits, batch.Targets, batch.Weights, act.DLogits, vocab);
        return act;
    }

    /// <summary>Adds ∂loss/∂θ for the forward pass <paramref name="act"/> to every parameter's gradient.</summary>
    public void Backward(Activations act)
    {
        var c = Config;
        var batch = act.Batch;
        int n = batch.Rows, d = c.HiddenSize, qw = c.QueryWidth, kw = c.KeyValueWidth, f = c.IntermediateSize, vocab = c.VocabSize;
        var ps = Parameters;

        var dH = new T[n * d];
        LinearOp.Backward(act.HFinal, ps.LmHead.Value, act.DLogits, dH, false, ps.LmHead.Grad, n, d, vocab);
        var dX = new T[n * d];
        RmsNormOp.Backward(act.XFinal, ps.FinalNorm.Value, act.RstdFinal, dH, dX, false, ps.FinalNorm.Grad, n, d);

        var dA = new T[n * f]; var dG = new T[n * f]; var dU = new T[n * f];
        var dQ = new T[n * qw]; var dK = new T[n * kw]; var dV = new T[n * kw]; var dAttn = new T[n * qw];
        for (int l = c.NumHiddenLayers - 1; l >= 0; l--)
        {
            var a = act.Layers[l];
            var lp = ps.Layers[l];
            // dX is the gradient w.r.t. this block's output, which is also the residual gradient into XMid.
            LinearOp.Backward(a.A, lp.Down.Value, dX, dA, false, lp.Down.Grad, n, f, d);
            SwiGluOp.Backward(a.G, a.U, dA, dG, dU, n * f);
            LinearOp.Backward(a.H2, lp.Gate.Value, dG, dH, false, lp.Gate.Grad, n, d, f);
            LinearOp.Backward(a.H2, lp.Up.Value, dU, dH, true, lp.Up.Grad, n, d, f);
            RmsNormOp.Backward(a.XMid, lp.PostNorm.Value, a.Rstd2, dH, dX, true, lp.PostNorm.Grad, n, d);
            // dX now holds ∂L/∂XMid.
            LinearOp.Backward(a.Attn, lp.O.Value, dX, dAttn, false, lp.O.Grad, n, qw, d);
            _attention.Backward(a.Q, a.K, a.V, a.P, dAttn, dQ, dK, dV, batch.Starts, batch.Lengths);
            _rope.Apply(dQ, batch.Positions, c.NumAttentionHeads, inverse: true);
            _rope.Apply(dK, batch.Positions, c.NumKeyValueHeads, inverse: true);
            LinearOp.Backward(a.H1, lp.Q.Value, dQ, dH, false, lp.Q.Grad, n, d, qw);
            LinearOp.Backward(a.H1, lp.K.Value, dK, dH, true, lp.K.Grad, n, d, kw);
            LinearOp.Backward(a.H1, lp.V.Value, dV, dH, true, lp.V.Grad, n, d, kw);
            RmsNormOp.Backward(a.X, lp.InputNorm.Value, a.Rstd1, dH, dX, true, lp.InputNorm.Grad, n, d);
        }
        EmbeddingOp.Backward(batch.Inputs, dX, ps.Embedding.Grad, d);
    }

    private static void Add(T[] dst, T[] src, int count)
    {
        for (int i = 0; i < count; i++) dst[i] += src[i];
    }
}
