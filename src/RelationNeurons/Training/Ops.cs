using System.Numerics;

namespace RelationNeurons.Training;

/// <summary>Row-block parallel loops with a fixed blocking, so per-block partial sums (and thus results) never depend on the thread count.</summary>
internal static class RowBlocks
{
    public const int Size = 32;
    public static int Count(int rows) => (rows + Size - 1) / Size;

    public static void For(int rows, Action<int, int> body)
    {
        int blocks = Count(rows);
        if (blocks == 1) { body(0, rows); return; }
        Parallel.For(0, blocks, b => body(b * Size, Math.Min(rows, (b + 1) * Size)));
    }
}

/// <summary>Token embedding lookup and its gradient (a scatter-add in row order).</summary>
internal static class EmbeddingOp
{
    public static void Forward<T>(T[] table, ReadOnlySpan<int> tokens, T[] y, int d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < tokens.Length; r++)
            Array.Copy(table, tokens[r] * d, y, r * d, d);
    }

    public static void Backward<T>(ReadOnlySpan<int> tokens, T[] dy, T[] dTable, int d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < tokens.Length; r++)
        {
            var dst = dTable.AsSpan(tokens[r] * d, d);
            var src = dy.AsSpan(r * d, d);
            for (int i = 0; i < d; i++) dst[i] += src[i];
        }
    }
}

/// <summary>Hugging Face LlamaRMSNorm: y = w ⊙ x / sqrt(mean(x²) + ε).</summary>
internal static class RmsNormOp
{
    public static void Forward<T>(T[] x, T[] w, T[] y, T[] rstd, int rows, int d, double eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = T.CreateTruncating(eps), dd = T.CreateTruncating(d);
        RowBlocks.For(rows, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = x.AsSpan(r * d, d);
                T ss = T.Zero;
                for (int i = 0; i < d; i++) ss += xr[i] * xr[i];
                T s = T.One / T.Sqrt(ss / dd + e);
                rstd[r] = s;
                var yr = y.AsSpan(r * d, d);
                for (int i = 0; i < d; i++) yr[i] = w[i] * (xr[i] * s);
            }
        });
    }

    /// <summary>dx (+)= ∂L/∂x; dw += ∂L/∂w, reduced over fixed row blocks in order.</summary>
    public static void Backward<T>(T[] x, T[] w, T[] rstd, T[] dy, T[] dx, bool accumulateDx, T[] dw, int rows, int d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = RowBlocks.Count(rows);
        var partial = new T[blocks * d];
        T dd = T.CreateTruncating(d);
        RowBlocks.For(rows, (r0, r1) =>
        {
            var pw = partial.AsSpan(r0 / RowBlocks.Size * d, d);
            for (int r = r0; r < r1; r++)
            {
                var xr = x.AsSpan(r * d, d);
                var dyr = dy.AsSpan(r * d, d);
                var dxr = dx.AsSpan(r * d, d);
                T s = rstd[r];
                T dot = T.Zero;
                for (int i = 0; i < d; i++)
                {
                    T xhat = xr[i] * s;
                    pw[i] += dyr[i] * xhat;
                    dot += dyr[i] * w[i] * xhat;
                }
                T mean = dot / dd;
                for (int i = 0; i < d; i++)
                {
                    T g = s * (dyr[i] * w[i] - xr[i] * s * mean);
                    dxr[i] = accumulateDx ? dxr[i] + g : g;
                }
            }
        });
        for (int b = 0; b < blocks; b++)
            for (int i = 0; i < d; i++) dw[i] += partial[b * d + i];
    }
}

/// <summary>A linear layer without bias in PyTorch layout: y = x·Wᵀ, W is [out × in].</summary>
internal static class LinearOp
{
    public static void Forward<T>(T[] x, T[] w, T[] y, int rows, int inDim, int outDim) where T : unmanaged, IFloatingPointIeee754<T> =>
        Gemm.NT(x, w, y, rows, outDim, inDim, accumulate: false);

    /// <summary>dx (+)= dy·W; dW += dyᵀ·x.</summary>
    public static void Backward<T>(T[] x, T[] w, T[] dy, T[]? dx, bool accumulateDx, T[] dw, int rows, int inDim, int outDim) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (dx is not null) Gemm.NN(dy, w, dx, rows, inDim, outDim, accumulateDx);
        Gemm.TN(dy, x, dw, outDim, inDim, rows, accumulate: true);
    }
}

/// <summary>SwiGLU: a = silu(g) ⊙ u.</summary>
internal static class SwiGluOp
{
    public static void Forward<T>(T[] g, T[] u, T[] a, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RowBlocks.For(count, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                T sig = T.One / (T.One + T.Exp(-g[i]));
                a[i] = g[i] * sig * u[i];
            }
        });
    }

    public static void Backward<T>(T[] g, T[] u, T[] da, T[] dg, T[] du, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RowBlocks.For(count, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                T sig = T.One / (T.One + T.Exp(-g[i]));
                T silu = g[i] * sig;
                du[i] = da[i] * silu;
                dg[i] = da[i] * u[i] * sig * (T.One + g[i] * (T.One - sig));
            }
        });
    }
}

/// <summary>
/// Weighted cross-entropy over chosen target positions: loss = Σ_r w_r·(−log softmax(z_r)[t_r]) / Σ_r w_r,
/// rows with target −1 or weight 0 do not count. Computes the loss and dL/dz in one pass.
/// </summary>
internal static class CrossEntropyOp
{
    public static double LossAndGradient<T>(T[] logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights, T[] dLogits, int vocab) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = targets.Length;
        double total = 0;
        for (int r = 0; r < rows; r++) if (targets[r] >= 0) total += weights[r];
        var rowLoss = new double[rows];
        if (total <= 0) { Array.Clear(dLogits, 0, rows * vocab); return 0; }
        int[] t = targets.ToArray();
        float[] wts = weights.ToArray();
        RowBlocks.For(rows, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var z = logits.AsSpan(r * vocab, vocab);
                var dz = dLogits.AsSpan(r * vocab, vocab);
                if (t[r] < 0 || wts[r] == 0) { dz.Clear(); continue; }
                T max = z[0];
                for (int i = 1; i < vocab; i++) if (z[i] > max) max = z[i];
                T sum = T.Zero;
                for (int i = 0; i < vocab; i++) { T e = T.Exp(z[i] - max); dz[i] = e; sum += e; }
                T coef = T.CreateTruncating(wts[r] / total);
                T inv = T.One / sum;
                for (int i = 0; i < vocab; i++) dz[i] = dz[i] * inv * coef;
                dz[t[r]] -= coef;
                double lse = double.CreateTruncating(max) + Math.Log(double.CreateTruncating(sum));
                rowLoss[r] = wts[r] * (lse - double.CreateTruncating(z[t[r]]));
            }
        });
        double loss = 0;
        for (int r = 0; r < rows; r++) loss += rowLoss[r];
        return loss / total;
    }
}
