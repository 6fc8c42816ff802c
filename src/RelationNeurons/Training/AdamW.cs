namespace RelationNeurons.Training;

/// <summary>Hyper-parameters of <see cref="AdamW"/>.</summary>
public sealed record AdamWOptions
{
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Decoupled weight decay (Loshchilov &amp; Hutter), applied to weight matrices only.</summary>
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>Whether the token embedding decays too (off: rare tokens would shrink towards zero between visits).</summary>
    public bool DecayEmbeddings { get; init; }
}

/// <summary>
/// AdamW with bias correction: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·(m̂/(√v̂+ε) + λ·θ).
/// Moments are float32 arrays in the parameter order; each element is updated independently, so
/// the parallel loop is deterministic.
/// </summary>
public sealed class AdamW
{
    public AdamWOptions Options { get; }
    public float[][] FirstMoments { get; }
    public float[][] SecondMoments { get; }
    /// <summary>Updates taken so far (the bias-correction exponent).</summary>
    public long Steps { get; set; }

    public AdamW(ParameterSet<float> parameters, AdamWOptions options)
    {
        Options = options;
        FirstMoments = parameters.All.Select(p => new float[p.Length]).ToArray();
        SecondMoments = parameters.All.Select(p => new float[p.Length]).ToArray();
    }

    public void Update(ParameterSet<float> parameters, double learningRate)
    {
        Steps++;
        double b1 = Options.Beta1, b2 = Options.Beta2;
        float c1 = (float)(1.0 / (1.0 - Math.Pow(b1, Steps)));
        float c2 = (float)(1.0 / (1.0 - Math.Pow(b2, Steps)));
        float lr = (float)learningRate, eps = (float)Options.Epsilon;
        float fb1 = (float)b1, fb2 = (float)b2;
        for (int pi = 0; pi < parameters.All.Count; pi++)
        {
            var p = parameters.All[pi];
            bool decays = p.Kind == ParameterKind.Matrix || (p.Kind == ParameterKind.Embedding && Options.DecayEmbeddings);
            float decay = decays ? (float)(learningRate * Options.WeightDecay) : 0f;
            float[] m = FirstMoments[pi], v = SecondMoments[pi], w = p.Value, g = p.Grad;
            const int chunk = 1 << 14;
            Parallel.For(0, (p.Length + chunk - 1) / chunk, b =>
            {
                int end = Math.Min(p.Length, (b + 1) * chunk);
                for (int i = b * chunk; i < end; i++)
                {
                    float gi = g[i];
                    m[i] = fb1 * m[i] + (1 - fb1) * gi;
                    v[i] = fb2 * v[i] + (1 - fb2) * gi * gi;
                    float update = m[i] * c1 / (MathF.Sqrt(v[i] * c2) + eps);
                    w[i] -= lr * update + decay * w[i];
                }
            });
        }
    }
}

/// <summary>Linear warm-up to the peak rate, then cosine decay to a floor at the last step.</summary>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double FloorRatio = 0.1)
{
    /// <summary>The rate for update number <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        double span = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((step - WarmupSteps) / span, 0.0, 1.0);
        double floor = Peak * FloorRatio;
        return floor + (Peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>Global-norm gradient clipping: all gradients scaled by min(1, max/‖g‖).</summary>
public static class GradientClipping
{
    /// <summary>The global L2 norm of all gradients, summed in double per fixed chunk and chunks in order.</summary>
    public static double GlobalNorm(ParameterSet<float> parameters)
    {
        double total = 0;
        foreach (var p in parameters.All)
        {
            const int chunk = 1 << 14;
            int chunks = (p.Length + chunk - 1) / chunk;
            var partial = new double[chunks];
            float[] g = p.Grad;
            Parallel.For(0, chunks, b =>
            {
                double s = 0;
                int end = Math.Min(g.Length, (b + 1) * chunk);
                for (int i = b * chunk; i < end; i++) s += (double)g[i] * g[i];
                partial[b] = s;
            });
            foreach (double s in partial) total += s;
        }
        return Math.Sqrt(total);
    }

    /// <summary>Scales the gradients so their global norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static double Clip(ParameterSet<float> parameters, double maxNorm)
    {
        double norm = GlobalNorm(parameters);
        if (maxNorm > 0 && norm > maxNorm)
        {
            float scale = (float)(maxNorm / norm);
            foreach (var p in parameters.All)
                for (int i = 0; i < p.Grad.Length; i++) p.Grad[i] *= scale;
        }
        return norm;
    }
}
