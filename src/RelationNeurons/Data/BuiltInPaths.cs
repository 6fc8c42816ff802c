namespace RelationNeurons.Data;

/// <summary>
/// Finds the repository's built-in folders (<c>data/relations</c>, <c>models</c>) so that verbs
/// work with no path given: the current directory and its parents are searched first (a user
/// inside a checkout means that checkout), then the executable's directory and its parents
/// (a build under <c>bin/</c> of the repository).
/// </summary>
public static class BuiltInPaths
{
    public static readonly string RelationsRelative = Path.Combine("data", "relations");
    public const string ModelsRelative = "models";

    /// <summary>The built-in relation set folder, or null when none is found.</summary>
    public static string? FindRelations() => Find(RelationsRelative);

    /// <summary>The embedded models folder, or null when none is found.</summary>
    public static string? FindModels() => Find(ModelsRelative);

    /// <summary>The built-in relation set folder; a user error naming what was searched when absent.</summary>
    public static string RequireRelations() =>
        FindRelations() ?? throw new UserInputException(
            $"no built-in relations found ({RelationsRelative} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}); pass --relations DIR");

    public static string RequireModels() =>
        FindModels() ?? throw new UserInputException(
            $"no built-in models folder found ({ModelsRelative} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory})");

    /// <summary>
    /// The first existing folder <paramref name="relative"/> under the current directory, the
    /// executable's directory, or any of their parents.
    /// </summary>
    public static string? Find(string relative) => Find(relative, [Directory.GetCurrentDirectory(), AppContext.BaseDirectory]);

    public static string? Find(string relative, IEnumerable<string> starts)
    {
        foreach (string start in starts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
