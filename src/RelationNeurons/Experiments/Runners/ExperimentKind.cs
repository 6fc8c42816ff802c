using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Experiments.Runners;

/// <summary>The experiments a run can perform.</summary>
public enum ExperimentKind { Intra, Inter, Cumulativity, Overlap, CrossLingual, Multilingual, Templates, Perplexity, ErrorTypes, Frequency }

public static class ExperimentKinds
{
    public static readonly ExperimentKind[] All =
        [ExperimentKind.Intra, ExperimentKind.Inter, ExperimentKind.Cumulativity, ExperimentKind.Overlap, ExperimentKind.CrossLingual,
         ExperimentKind.Multilingual, ExperimentKind.Templates, ExperimentKind.Perplexity, ExperimentKind.ErrorTypes, ExperimentKind.Frequency];

    /// <summary>The name used on the command line.</summary>
    public static string Name(ExperimentKind kind) => kind switch
    {
        ExperimentKind.Intra => "intra",
        ExperimentKind.Inter => "inter",
        ExperimentKind.Cumulativity => "cumulativity",
        ExperimentKind.Overlap => "overlap",
        ExperimentKind.CrossLingual => "crosslingual",
        ExperimentKind.Multilingual => "multilingual",
        ExperimentKind.Templates => "templates",
        ExperimentKind.Perplexity => "perplexity",
        ExperimentKind.ErrorTypes => "errortypes",
        ExperimentKind.Frequency => "frequency",
        _ => throw Unknown(kind),
    };

    /// <summary>The result file in the run folder.</summary>
    public static string FileName(ExperimentKind kind) => kind switch
    {
        ExperimentKind.Intra => RunFiles.Intra,
        ExperimentKind.Inter => RunFiles.Inter,
        ExperimentKind.Cumulativity => RunFiles.Cumulativity,
        ExperimentKind.Overlap => RunFiles.Overlap,
        ExperimentKind.CrossLingual => RunFiles.CrossLingual,
        ExperimentKind.Multilingual => RunFiles.Multilingual,
        ExperimentKind.Templates => RunFiles.Templates,
        ExperimentKind.Perplexity => RunFiles.Perplexity,
        ExperimentKind.ErrorTypes => RunFiles.ErrorTypes,
        ExperimentKind.Frequency => RunFiles.Frequency,
        _ => throw Unknown(kind),
    };

    public static ExperimentKind Parse(string name) =>
        All.FirstOrDefault(k => Name(k) == name.Trim().ToLowerInvariant(), (ExperimentKind)(-1)) is var k && (int)k >= 0
            ? k
            : throw new UserInputException($"unknown experiment '{name}'; expected one of {string.Join(", ", All.Select(Name))}");

    /// <summary>A value outside the enum (a cast, or a kind added without its arms): a programming error, never a silent default.</summary>
    internal static ArgumentOutOfRangeException Unknown(ExperimentKind kind) =>
        new(nameof(kind), kind, $"unknown experiment kind {(int)kind}; expected one of {string.Join(", ", All.Select(Name))}");
}
