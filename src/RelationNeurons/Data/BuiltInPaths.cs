namespace RelationNeurons.Data;

/// <summary>
/// Finds the repository's built-in folders (the relation sets under <c>data/relations</c>,
/// <c>models</c>) so that verbs work with no path given: the current directory and its parents
/// are searched first (a user inside a checkout means that checkout), then the executable's
/// directory and its parents (a build under <c>bin/</c> of the repository).
/// </summary>
public static class BuiltInPaths
{
    /// <summary>The folder holding the built-in relation sets, one subfolder each.</summary>
    public static readonly string RelationsRelative = Path.Combine("data", "relations");
    public const string ModelsRelative = "models";

    /// <summary>The paper's twelve relations (LRE facts, English, evaluation facts in six languages); the demo model knows them.</summary>
    public const string PaperRelations = "paper";
    /// <summary>The project's own smaller set in four languages: a quick example for tests and small runs.</summary>
    public const string DemoRelations = "demo";

    /// <summary>The built-in relation set a verb reads when <c>--relations</c> is not given.</summary>
    public const string DefaultRelations = PaperRelations;

    /// <summary>The names <c>--relations</c> accepts for the built-in sets.</summary>
    public static IReadOnlyList<string> RelationSetNames { get; } = [PaperRelations, DemoRelations];

    /// <summary>The default built-in relation set's folder, or null when none is found.</summary>
    public static string? FindRelations() => FindRelations(DefaultRelations);

    /// <summary>A built-in relation set's folder (<c>data/relations/NAME</c>), or null when none is found.</summary>
    public static string? FindRelations(string name) => Find(Path.Combine(RelationsRelative, name));

    /// <summary>The embedded models folder, or null when none is found.</summary>
    public static string? FindModels() => Find(ModelsRelative);

    /// <summary>The default built-in relation set's folder; a user error naming what was searched when absent.</summary>
    public static string RequireRelations() => RequireRelations(DefaultRelations);

    /// <summary>A built-in relation set's folder; a user error naming what was searched when absent.</summary>
    public static string RequireRelations(string name)
    {
        string relative = Path.Combine(RelationsRelative, name);
        return FindRelations(name) ?? throw new UserInputException(
            $"no built-in relation set '{name}' found ({relative} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}); pass --relations DIR");
    }

    /// <summary>
    /// What a <c>--relations</c> value names: nothing, the default built-in set; an existing file
    /// or folder, itself; a built-in set's name (<see cref="RelationSetNames"/>), that set; anything
    /// else is returned as given, for the reader to report.
    /// </summary>
    public static string ResolveRelations(string? value)
    {
        if (value is null) return RequireRelations();
        if (File.Exists(value) || Directory.Exists(value)) return value;
        return RelationSetNames.Contains(value, StringComparer.Ordinal) ? RequireRelations(value) : value;
    }

    /// <summary>The name of the built-in relation set at <paramref name="path"/>, or null when it is not one.</summary>
    public static string? RelationSetName(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return RelationSetNames.FirstOrDefault(name =>
            FindRelations(name) is { } dir && string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)), full, StringComparison.Ordinal));
    }

    /// <summary>One line for people: which built-in relation set a path is, and which is the default.</summary>
    public static string DescribeRelationSet(string path) =>
        RelationSetName(path) is { } name
            ? $"built-in relation set '{name}'{(name == DefaultRelations ? " (the default)" : "")}; built-in sets: {string.Join(", ", RelationSetNames)} (--relations NAME), default '{DefaultRelations}'"
            : $"relation set {path}; built-in sets: {string.Join(", ", RelationSetNames)} (--relations NAME), default '{DefaultRelations}'";

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
