namespace RelationNeurons.Tests;

/// <summary>
/// The repository the tests were built from (the folder holding <c>RelationNeurons.slnx</c>, found
/// by walking up from the test assembly's folder) and its reference fixtures under
/// <c>tests/fixtures</c> (see tests/fixtures/README.md). A test that needs a fixture calls
/// <see cref="Require"/> (or a fixture class's Require) and is marked <c>[SkippableFact]</c> or
/// <c>[SkippableTheory]</c> (package Xunit.SkippableFact): without the fixture it is reported as
/// skipped, with the reason, never as passed.
/// </summary>
internal static class RepositoryFixtures
{
    public const string SolutionFile = "RelationNeurons.slnx";

    /// <summary>The repository root, or null when no folder above the test assembly holds <see cref="SolutionFile"/>.</summary>
    public static string? Root { get; } = FindRoot(AppContext.BaseDirectory);

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary><c>tests/fixtures/<paramref name="name"/></c> when it holds <paramref name="requiredFile"/>, else null.</summary>
    public static string? Find(string name, string requiredFile)
    {
        if (Root is null) return null;
        string folder = Path.Combine(Root, "tests", "fixtures", name);
        return File.Exists(Path.Combine(folder, requiredFile)) ? folder : null;
    }

    /// <summary>The fixture folder; when it is missing, skips the calling test (a <see cref="SkipException"/>) saying why.</summary>
    public static string Require(string name, string requiredFile) =>
        Find(name, requiredFile) ?? throw new SkipException(MissingReason(name, requiredFile));

    public static string MissingReason(string name, string requiredFile) => Root is null
        ? $"fixture tests/fixtures/{name} not found: no {SolutionFile} in {AppContext.BaseDirectory} or any folder above it"
        : $"fixture {Path.Combine(Root, "tests", "fixtures", name, requiredFile)} not found (see tests/fixtures/README.md)";
}
