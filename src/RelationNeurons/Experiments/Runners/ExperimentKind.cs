using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Experiments.Runners;

/// <summary>The experiments a run can perform.</summary>
public enum ExperimentKind { Intra, Inter, Cumulativity, Overlap, CrossLingual }

public static class ExperimentKinds
{
    public static readonly ExperimentKind[] All =
        [ExperimentKind.Intra, ExperimentKind.Inter, ExperimentKind.Cumulativity, ExperimentKind.Overlap, ExperimentKind.CrossLingual];

    /// <summary>The name used on the command line.</summary>
    public static string Name(ExperimentKind kind) => kind switch
    {
        ExperimentKind.Intra => "intra",
        ExperimentKind.Inter => "inter",
        ExperimentKind.Cumulativity => "cumulativity",
        ExperimentKind.Overlap => "overlap",
        _ => "crosslingual",
    };

    /// <summary>The result file in the run folder.</summary>
    public static string FileName(ExperimentKind kind) => kind switch
    {
        ExperimentKind.Intra => RunFiles.Intra,
        ExperimentKind.Inter => RunFiles.Inter,
        ExperimentKind.Cumulativity => RunFiles.Cumulativity,
        ExperimentKind.Overlap => RunFiles.Overlap,
        _ => RunFiles.CrossLingual,
    };

    public static ExperimentKind Parse(string name) =>
        All.FirstOrDefault(k => Name(k) == name.Trim().ToLowerInvariant(), (ExperimentKind)(-1)) is var k && (int)k >= 0
            ? k
            : throw new UserInputException($"unknown experiment '{name}'; expected one of {string.Join(", ", All.Select(Name))}");
}
