namespace RelationNeurons.Data;

/// <summary>
/// One fact of a relation: a subject, its canonical object, and every answer accepted as correct
/// (the object always among them, first). <see cref="Id"/> is the same across languages for the
/// same fact, so cross-lingual results can be compared fact by fact.
/// </summary>
public sealed record RelationSample(string Id, string Subject, string Object, IReadOnlyList<string> Answers);

/// <summary>
/// One relation in one language, as read from one relation file. <see cref="Id"/> is the same in
/// every language; (Id, Language) is unique within a <see cref="RelationSet"/>.
/// </summary>
public sealed record Relation
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Language { get; init; }
    /// <summary>A free-form grouping label (e.g. "country", "person"); null when the file gives none.</summary>
    public string? Kind { get; init; }
    /// <summary>Templates with exactly one <c>{}</c> slot for the subject.</summary>
    public required IReadOnlyList<string> PromptTemplates { get; init; }
    public required IReadOnlyList<RelationSample> Samples { get; init; }
    /// <summary>The file the relation was read from (for messages); null when built in code.</summary>
    public string? SourcePath { get; init; }

    public RelationKey Key => new(Id, Language);
}

/// <summary>Identifies a relation in one language.</summary>
public readonly record struct RelationKey(string Id, string Language)
{
    public override string ToString() => $"{Id} ({Language})";
}
