using RelationNeurons.Experiments.Results;
using RelationNeurons.Inference;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Runs;

/// <summary>Progress inside a stage: a fraction in [0, 1] and an optional line of detail.</summary>
public readonly record struct StageProgress(double Fraction, string? Detail = null);

/// <summary>What every stage of a run can use: the options, the folder layout, and the model (loaded once, on first use).</summary>
public sealed class RunContext : IDisposable
{
    private LlamaModel? _model;
    private ITokenizer? _tokenizer;

    public RunContext(RunOptions options, RunLayout layout, ModelFingerprint fingerprint)
    {
        Options = options; Layout = layout; Fingerprint = fingerprint;
    }

    public RunOptions Options { get; }
    public RunLayout Layout { get; }
    public ModelFingerprint Fingerprint { get; }

    /// <summary>Notes for the summary (e.g. an experiment skipped and why).</summary>
    public List<string> Notes { get; } = [];

    public LlamaModel Model => _model ??= LlamaModel.Load(Options.Model, new EngineOptions { Compute = Options.Compute });

    public ITokenizer Tokenizer => _tokenizer ??= Evaluation.Evaluator.LoadTokenizer(Model);

    public void Dispose() => _model?.Dispose();
}

/// <summary>One stage of <c>run</c>: reads earlier stages' outputs from the run folder and writes its own.</summary>
public interface IRunStage
{
    string Name { get; }

    /// <summary>Runs the stage; returns the paths it wrote, relative to the run folder (checked on resume).</summary>
    IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken);
}
