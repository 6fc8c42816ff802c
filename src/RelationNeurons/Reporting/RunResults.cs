using RelationNeurons.Experiments.Results;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Reporting;

/// <summary>
/// The result files found in a run folder. Any of them may be absent (an experiment that was not
/// run); <see cref="Missing"/> names those, so the report can say so instead of failing.
/// </summary>
public sealed record RunResults(
    string Folder,
    RunSummary? Summary,
    IntraRelationResult? Intra,
    InterRelationResult? Inter,
    CumulativityResult? Cumulativity,
    OverlapResult? Overlap,
    CrossLingualResult? CrossLingual,
    IReadOnlyList<string> Missing)
{
    /// <summary>The validation of the detection prompts (null: a run made before it, or a folder without it).</summary>
    public ValidationSummary? Validation { get; init; }

    /// <summary>Fig 7 (null: not in the folder).</summary>
    public MultilingualResult? Multilingual { get; init; }
    /// <summary>Fig 8 (null: not in the folder).</summary>
    public TemplatesResult? Templates { get; init; }
    /// <summary>Table 2 (null: not in the folder).</summary>
    public ObjectPerplexityResult? Perplexity { get; init; }
    /// <summary>Table 4 (null: not in the folder).</summary>
    public ErrorTypesResult? ErrorTypes { get; init; }
    /// <summary>App E (null: not in the folder).</summary>
    public FrequencyResult? Frequency { get; init; }

    public static readonly string[] AllFiles =
        [RunFiles.Summary, RunFiles.Intra, RunFiles.Inter, RunFiles.Cumulativity, RunFiles.Overlap, RunFiles.CrossLingual,
         RunFiles.Multilingual, RunFiles.Templates, RunFiles.Perplexity, RunFiles.ErrorTypes, RunFiles.Frequency];

    public static RunResults Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: run folder not found");
        var missing = AllFiles.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        if (missing.Count == AllFiles.Length)
            throw new UserInputException($"{folder}: no result file found; expected any of {string.Join(", ", AllFiles)}");

        T? Read<T>(string name) where T : class, IVersionedResult =>
            missing.Contains(name) ? null : ResultJson.Load<T>(Path.Combine(folder, name));

        return new RunResults(folder,
            Read<RunSummary>(RunFiles.Summary),
            Read<IntraRelationResult>(RunFiles.Intra),
            Read<InterRelationResult>(RunFiles.Inter),
            Read<CumulativityResult>(RunFiles.Cumulativity),
            Read<OverlapResult>(RunFiles.Overlap),
            Read<CrossLingualResult>(RunFiles.CrossLingual),
            missing)
        {
            Multilingual = Read<MultilingualResult>(RunFiles.Multilingual),
            Templates = Read<TemplatesResult>(RunFiles.Templates),
            Perplexity = Read<ObjectPerplexityResult>(RunFiles.Perplexity),
            ErrorTypes = Read<ErrorTypesResult>(RunFiles.ErrorTypes),
            Frequency = Read<FrequencyResult>(RunFiles.Frequency),
            Validation = File.Exists(Path.Combine(folder, ValidationSummary.RunPath)) ? ResultJson.Load<ValidationSummary>(Path.Combine(folder, ValidationSummary.RunPath)) : null,
        };
    }
}
