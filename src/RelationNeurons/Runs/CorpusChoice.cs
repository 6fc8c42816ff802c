using RelationNeurons.Analysis;

namespace RelationNeurons.Runs;

/// <summary>
/// Which corpus App E counts in: the one given (<c>--corpus</c>), else the model's own training
/// text when its folder carries one (<see cref="CooccurrenceCounter.ModelCorpusFile"/>: the demo
/// model's), else none, with the reason the report prints.
/// </summary>
public static class CorpusChoice
{
    /// <summary>The setting recorded in run.json when no corpus is given: the file beside the model, when there is one.</summary>
    public const string BesideModelSetting = "model";

    public static (string? Path, string? Missing) Resolve(string? given, string modelFolder)
    {
        if (given is not null) return (given, null);
        return CooccurrenceCounter.BesideModel(modelFolder) is { } beside
            ? (beside, null)
            : (null, $"no --corpus given and no {CooccurrenceCounter.ModelCorpusFile} beside the model in {modelFolder}");
    }

    /// <summary>Checks a given corpus before any work starts: a missing folder or file, or one without text files, is a user error naming it.</summary>
    public static string? Check(string? given)
    {
        if (given is null) return null;
        CooccurrenceCounter.Files(given);
        return Path.GetFullPath(given);
    }
}
