namespace RelationNeurons.Experiments.Results;

/// <summary>The file names of a run folder's experiment results, shared by writers and the report.</summary>
public static class RunFiles
{
    public const string Summary = "summary.json";
    public const string Intra = "intra.json";
    public const string Inter = "inter.json";
    public const string Cumulativity = "cumulativity.json";
    public const string Overlap = "overlap.json";
    public const string CrossLingual = "crosslingual.json";
    public const string Multilingual = "multilingual.json";
    public const string Templates = "templates.json";
    public const string Perplexity = "perplexity.json";
    public const string ErrorTypes = "error_types.json";
    public const string Frequency = "frequency.json";

    /// <summary>Folder (inside the run folder) holding one <see cref="EvaluationResult"/> file per condition.</summary>
    public const string EvaluationsFolder = "evaluations";

    /// <summary>File name for a condition's evaluation: the label with characters unsafe in file names replaced by '_'.</summary>
    public static string EvaluationFileName(string condition)
    {
        var chars = condition.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' ? c : '_').ToArray();
        return new string(chars) + ".json";
    }
}
