using System.Diagnostics;
using RelationNeurons.Models;
using RelationNeurons.Randomness;

namespace RelationNeurons.Training;

/// <summary>
/// The training loop: draw a batch, forward, backward, clip, AdamW step. Deterministic for a seed:
/// initialisation and batch order come from SplitMix64 streams, and every reduction sums in a fixed
/// order, so two runs (or a run and its resumption) produce the same parameters bit for bit.
/// </summary>
public sealed class Trainer
{
    private readonly IReadOnlyList<TrainingSequence> _data;

    public LlamaConfig Config { get; }
    public TrainerOptions Options { get; }
    public TrainableLlama<float> Model { get; }
    public ParameterSet<float> Parameters => Model.Parameters;
    public AdamW Optimizer { get; }
    public SequenceSampler Sampler { get; }
    public LearningRateSchedule Schedule { get; }
    /// <summary>Updates done so far.</summary>
    public long Step { get; internal set; }

    public Trainer(LlamaConfig config, TrainerOptions options, IReadOnlyList<TrainingSequence> data)
    {
        foreach (var s in data)
        {
            if (s.Tokens.Length > options.MaxSequenceLength) throw new ArgumentException($"a sequence has {s.Tokens.Length} tokens, more than the maximum {options.MaxSequenceLength}");
            foreach (int t in s.Tokens) if ((uint)t >= (uint)config.VocabSize) throw new ArgumentException($"token id {t} outside the vocabulary of {config.VocabSize}");
        }
        Config = config;
        Options = options;
        _data = data;
        Model = new TrainableLlama<float>(config, options.MaxSequenceLength);
        Parameters.Initialize(SplitMix64.Derive(options.Seed, 1), options.InitStd);
        Optimizer = new AdamW(Parameters, options.Optimizer);
        Sampler = new SequenceSampler(data.Count, options.Seed);
        Schedule = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.Steps, options.FinalLearningRateRatio);
    }

    public bool Done => Step >= Options.Steps;

    public StepReport TrainStep()
    {
        var sw = Stopwatch.StartNew();
        var batch = new TokenBatch(Sampler.Next(Options.BatchSize).Select(i => _data[i]).ToList());
        Parameters.ZeroGradients();
        var act = Model.Forward(batch);
        Model.Backward(act);
        double norm = GradientClipping.Clip(Parameters, Options.ClipNorm);
        double lr = Schedule.At(Step);
        Optimizer.Update(Parameters, lr);
        Step++;
        return new StepReport(Step, act.Loss, norm, lr, batch.Rows, sw.Elapsed.TotalSeconds);
    }
}
