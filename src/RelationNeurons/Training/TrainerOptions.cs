namespace RelationNeurons.Training;

/// <summary>The optimisation schedule of a training run (the architecture lives in LlamaConfig).</summary>
public sealed record TrainerOptions
{
    public int Steps { get; init; } = 7000;
    /// <summary>Sequences per update.</summary>
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 3e-3;
    public int WarmupSteps { get; init; } = 100;
    public double FinalLearningRateRatio { get; init; } = 0.1;
    public double ClipNorm { get; init; } = 1.0;
    public ulong Seed { get; init; } = 1;
    public double InitStd { get; init; } = 0.02;
    public int MaxSequenceLength { get; init; } = 64;
    public AdamWOptions Optimizer { get; init; } = new();
}

/// <summary>What one update reports.</summary>
public sealed record StepReport(long Step, double Loss, double GradNorm, double LearningRate, int Tokens, double Seconds);
