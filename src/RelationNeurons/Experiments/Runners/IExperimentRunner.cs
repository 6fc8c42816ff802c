using RelationNeurons.Evaluation;
using RelationNeurons.Analysis;
using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// One experiment in two steps: name the conditions it needs (so a suite can evaluate the
/// union of all experiments' conditions once), then build its result from their evaluations.
/// </summary>
public interface IExperimentRunner
{
    ExperimentKind Kind { get; }

    IEnumerable<ConditionRequest> Plan(ConditionPlanner planner);

    /// <summary>The result, or null with a reason when the inputs do not allow this experiment.</summary>
    (IVersionedResult? Result, string? SkipReason) Build(ConditionPlanner planner, Func<ConditionRequest, EvaluationResult> evaluation);
}

/// <summary>
/// What the experiments that measure more than prompt recall use: the model's perplexity and long
/// continuations (Table 2, Table 4; null: those experiments say they need the model), progress of
/// the corpus count (App E), and cancellation.
/// </summary>
public sealed record ExperimentServices(ITextProbe? Probe = null, IProgress<CorpusProgress>? CorpusProgress = null, CancellationToken Cancel = default)
{
    /// <summary>The corpus counts of App E when they were made elsewhere (added up from shards); null: count the corpus here.</summary>
    public Func<IReadOnlyList<CooccurrenceFact>, CooccurrenceCounts>? CorpusCounts { get; init; }

    public static ExperimentServices None { get; } = new();
}

public static class ExperimentRunners
{
    public static IExperimentRunner For(ExperimentKind kind, ExperimentServices? services = null) => kind switch
    {
        ExperimentKind.Intra => new IntraRunner(),
        ExperimentKind.Inter => new InterRunner(),
        ExperimentKind.Cumulativity => new CumulativityRunner(),
        ExperimentKind.Overlap => new OverlapRunner(),
        ExperimentKind.CrossLingual => new CrossLingualRunner(),
        ExperimentKind.Multilingual => new MultilingualRunner(),
        ExperimentKind.Templates => new TemplatesRunner(),
        ExperimentKind.Perplexity => new PerplexityRunner(services?.Probe),
        ExperimentKind.ErrorTypes => new ErrorTypesRunner(services?.Probe),
        ExperimentKind.Frequency => new FrequencyRunner(services ?? ExperimentServices.None),
        _ => throw ExperimentKinds.Unknown(kind),
    };
}
