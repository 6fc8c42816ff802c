using RelationNeurons.Models;
using RelationNeurons.Training;
using RelationNeurons.Randomness;

namespace RelationNeurons.Tests.Training;

/// <summary>
/// Every backward pass against central finite differences, in float64 on small shapes. Each op's
/// output is reduced to a scalar with fixed random weights r (L = Σ r·y), so the analytic gradient
/// is the backward pass fed with dy = r.
/// </summary>
public class GradientCheckTests
{
    private const double Step = 1e-6;

    private static double[] Random(int n, ulong seed, double scale = 1.0)
    {
        var rng = new SplitMix64(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextGaussian() * scale;
        return x;
    }

    private static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }

    /// <summary>Checks analytic[i] against (L(x+h) − L(x−h)) / 2h for every coordinate of x.</summary>
    private static void AssertGradient(string what, double[] x, double[] analytic, Func<double> loss)
    {
        Assert.Equal(x.Length, analytic.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double keep = x[i];
            x[i] = keep + Step; double up = loss();
            x[i] = keep - Step; double down = loss();
            x[i] = keep;
            double numeric = (up - down) / (2 * Step);
            double tol = 1e-6 * Math.Max(1.0, Math.Abs(numeric));
            Assert.True(Math.Abs(numeric - analytic[i]) <= tol, $"{what}[{i}]: analytic {analytic[i]:R}, numeric {numeric:R}");
        }
    }

    [Fact]
    public void Embedding()
    {
        int v = 5, d = 3;
        int[] tokens = [0, 2, 2, 4];
        var table = Random(v * d, 1);
        var r = Random(tokens.Length * d, 2);
        double Loss() { var y = new double[tokens.Length * d]; EmbeddingOp.Forward(table, tokens, y, d); return Dot(y, r); }
        var grad = new double[v * d];
        EmbeddingOp.Backward(tokens, r, grad, d);
        AssertGradient("dTable", table, grad, Loss);
    }

    [Fact]
    public void RmsNorm()
    {
        int rows = 3, d = 6;
        var x = Random(rows * d, 3);
        var w = Random(d, 4);
        var r = Random(rows * d, 5);
        double Loss() { var y = new double[rows * d]; RmsNormOp.Forward(x, w, y, new double[rows], rows, d, 1e-5); return Dot(y, r); }
        var y0 = new double[rows * d]; var rstd = new double[rows];
        RmsNormOp.Forward(x, w, y0, rstd, rows, d, 1e-5);
        var dx = new double[rows * d]; var dw = new double[d];
        RmsNormOp.Backward(x, w, rstd, r, dx, false, dw, rows, d);
        AssertGradient("dx", x, dx, Loss);
        AssertGradient("dw", w, dw, Loss);
    }

    [Fact]
    public void RmsNormOverManyRowBlocksAccumulates()
    {
        // more rows than one reduction block, and accumulation into existing gradients
        int rows = 70, d = 4;
        var x = Random(rows * d, 6);
        var w = Random(d, 7);
        var r = Random(rows * d, 8);
        double Loss() { var y = new double[rows * d]; RmsNormOp.Forward(x, w, y, new double[rows], rows, d, 1e-6); return Dot(y, r); }
        var rstd = new double[rows];
        RmsNormOp.Forward(x, w, new double[rows * d], rstd, rows, d, 1e-6);
        var dx = Enumerable.Repeat(0.5, rows * d).ToArray(); var dw = Enumerable.Repeat(0.25, d).ToArray();
        RmsNormOp.Backward(x, w, rstd, r, dx, true, dw, rows, d);
        AssertGradient("dx", x, dx.Select(v => v - 0.5).ToArray(), Loss);
        AssertGradient("dw", w, dw.Select(v => v - 0.25).ToArray(), Loss);
    }

    [Fact]
    public void Linear()
    {
        int rows = 3, inDim = 4, outDim = 5;
        var x = Random(rows * inDim, 9);
        var w = Random(outDim * inDim, 10);
        var r = Random(rows * outDim, 11);
        double Loss() { var y = new double[rows * outDim]; LinearOp.Forward(x, w, y, rows, inDim, outDim); return Dot(y, r); }
        var dx = new double[rows * inDim]; var dw = new double[outDim * inDim];
        LinearOp.Backward(x, w, r, dx, false, dw, rows, inDim, outDim);
        AssertGradient("dx", x, dx, Loss);
        AssertGradient("dW", w, dw, Loss);
    }

    [Fact]
    public void RotaryEmbedding()
    {
        var config = TinyConfig() with { HiddenSize = 8, NumAttentionHeads = 2, NumKeyValueHeads = 2, RopeTheta = 100.0 };
        var rope = new RopeTable<double>(config, 8);
        int heads = 2, hd = config.HeadDim;
        int[] positions = [0, 1, 5];
        var x = Random(positions.Length * heads * hd, 12);
        var r = Random(x.Length, 13);
        double Loss() { var y = (double[])x.Clone(); rope.Apply(y, positions, heads, inverse: false); return Dot(y, r); }
        var dx = (double[])r.Clone();
        rope.Apply(dx, positions, heads, inverse: true);
        AssertGradient("dx", x, dx, Loss);
    }

    [Fact]
    public void RotaryEmbeddingMatchesRotateHalfByHand()
    {
        // position 1, head dim 4, θ = 100: inv_freq = [1, 0.1]
        var config = TinyConfig() with { HiddenSize = 4, NumAttentionHeads = 1, NumKeyValueHeads = 1, RopeTheta = 100.0 };
        var rope = new RopeTable<double>(config, 4);
        double[] x = [1, 2, 3, 4];
        rope.Apply(x, [1], 1, inverse: false);
        double c0 = Math.Cos(1f), s0 = Math.Sin(1f), c1 = Math.Cos(0.1f), s1 = Math.Sin(0.1f);
        double[] expected = [1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], x[i], 12);
    }

    [Fact]
    public void CausalGroupedQueryAttention()
    {
        int heads = 4, kvHeads = 2, hd = 3;
        int[] starts = [0, 3], lengths = [3, 4];
        int n = 7, qw = heads * hd, kw = kvHeads * hd;
        var op = new AttentionOp<double>(heads, kvHeads, hd);
        var q = Random(n * qw, 14); var k = Random(n * kw, 15); var v = Random(n * kw, 16);
        var r = Random(n * qw, 17);
        long pLen = op.ProbabilityLength(lengths);
        double Loss() { var o = new double[n * qw]; op.Forward(q, k, v, o, new double[pLen], starts, lengths); return Dot(o, r); }
        var probs = new double[pLen];
        op.Forward(q, k, v, new double[n * qw], probs, starts, lengths);
        var dq = new double[n * qw]; var dk = new double[n * kw]; var dv = new double[n * kw];
        op.Backward(q, k, v, probs, r, dq, dk, dv, starts, lengths);
        AssertGradient("dq", q, dq, Loss);
        AssertGradient("dk", k, dk, Loss);
        AssertGradient("dv", v, dv, Loss);
    }

    [Fact]
    public void AttentionIsCausalAndStaysInsideItsSequence()
    {
        int heads = 2, kvHeads = 1, hd = 2;
        int[] starts = [0, 2], lengths = [2, 3];
        var op = new AttentionOp<double>(heads, kvHeads, hd);
        var q = Random(5 * 4, 18); var k = Random(5 * 2, 19); var v = Random(5 * 2, 20);
        var o1 = new double[20];
        op.Forward(q, k, v, o1, new double[op.ProbabilityLength(lengths)], starts, lengths);
        // changing the last token's key/value changes nothing before it, nor the other sequence
        k[4 * 2] += 1; v[4 * 2 + 1] -= 2;
        var o2 = new double[20];
        op.Forward(q, k, v, o2, new double[op.ProbabilityLength(lengths)], starts, lengths);
        for (int i = 0; i < 4 * 4; i++) Assert.Equal(o1[i], o2[i]);
        Assert.NotEqual(o1[4 * 4], o2[4 * 4]);
    }

    [Fact]
    public void SwiGlu()
    {
        int n = 9;
        var g = Random(n, 21, 2.0); var u = Random(n, 22); var r = Random(n, 23);
        double Loss() { var a = new double[n]; SwiGluOp.Forward(g, u, a, n); return Dot(a, r); }
        var dg = new double[n]; var du = new double[n];
        SwiGluOp.Backward(g, u, r, dg, du, n);
        AssertGradient("dg", g, dg, Loss);
        AssertGradient("du", u, du, Loss);
    }

    [Fact]
    public void WeightedCrossEntropy()
    {
        int rows = 4, vocab = 7;
        var z = Random(rows * vocab, 24, 2.0);
        int[] targets = [3, -1, 0, 6];
        float[] weights = [1f, 1f, 2.5f, 0.5f];
        var dz = new double[rows * vocab];
        double loss = CrossEntropyOp.LossAndGradient(z, targets, weights, dz, vocab);
        double Loss() => CrossEntropyOp.LossAndGradient(z, targets, weights, new double[rows * vocab], vocab);
        AssertGradient("dz", z, dz, Loss);
        // the value itself: weighted mean of −log p(target) over rows with a target
        double expected = 0;
        foreach (var (row, w) in new[] { (0, 1.0), (2, 2.5), (3, 0.5) })
        {
            double max = z.Skip(row * vocab).Take(vocab).Max();
            double lse = max + Math.Log(z.Skip(row * vocab).Take(vocab).Sum(v => Math.Exp(v - max)));
            expected += w * (lse - z[row * vocab + targets[row]]);
        }
        Assert.Equal(expected / 4.0, loss, 12);
    }

    internal static LlamaConfig TinyConfig() => new()
    {
        HiddenSize = 8, IntermediateSize = 12, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = 11, RmsNormEps = 1e-5, RopeTheta = 10000.0, MaxPositionEmbeddings = 16,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WholeTinyModel(bool tied)
    {
        var config = TinyConfig() with { TieWordEmbeddings = tied };
        var model = new TrainableLlama<double>(config, 8);
        model.Parameters.Initialize(new SplitMix64(25), std: 0.5);
        // norms away from 1 so their gradients are exercised in general position
        var rng = new SplitMix64(26);
        foreach (var p in model.Parameters.All.Where(p => p.Kind == ParameterKind.Norm))
            for (int i = 0; i < p.Length; i++) p.Value[i] = 1 + 0.3 * rng.NextGaussian();
        var batch = new TokenBatch([
            new TrainingSequence([1, 4, 7, 2, 9], [1f, 3f, 0f, 1f]),
            new TrainingSequence([1, 10, 3], [0.5f, 2f]),
        ]);
        var act = model.Forward(batch);
        model.Parameters.ZeroGradients();
        model.Backward(act);
        foreach (var p in model.Parameters.All)
            AssertGradient(p.Name, p.Value, p.Grad, () => model.Forward(batch).Loss);
    }
}
