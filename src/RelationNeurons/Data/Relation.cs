namespace RelationNeurons.Data;

/// <summary>
/// One fact of a relation: a subject, its canonical object, and every answer accepted as correct
/// (the object always among them, first). <see cref="Id"/> is the same across languages for the
/// same fact, so cross-lingual results can be compared fact by fact.
/// </summary>
public sealed record RelationSample(string Id, string Subject, string Object, IReadOnlyList<string> Answers)
{
    /// <summary>
    /// The split the relation file assigns to this fact (<see cref="PromptSplit.Test"/> or
    /// <see cref="PromptSplit.Identification"/>), or null when the file leaves the split to the
    /// seeded splitter. See <see cref="Relation.FixedTestFacts"/>.
    /// </summary>
    public string? Split { get; init; }
}

/// <summary>
/// A sentence that contains an object of the relation but neither a subject nor the relation
/// (the perplexity check of the paper's Table 2). <see cref="Text"/> contains <see cref="Object"/>.
/// </summary>
public sealed record ObjectSentence(string Object, string Text);

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
    /// <summary>
    /// Text appended to every filled template (the file's <c>prompt_suffix</c>): an LRE file, which
    /// names none, gets the paper's <see cref="PaperSuffix"/> ("The CEO of NVIDIA is" becomes
    /// "The CEO of NVIDIA is? Answer:"); a project file gets none unless it says so.
    /// </summary>
    public string PromptSuffix { get; init; } = "";

    /// <summary>The paper's prompt ending (§2.1).</summary>
    public const string PaperSuffix = "? Answer:";
    /// <summary>
    /// Further templates (one <c>{}</c> slot each) that identification prompts never use: test
    /// prompts with another wording of the same facts (the paper's P^eva-2, Fig 8). Usually empty.
    /// </summary>
    public IReadOnlyList<string> AlternativeTemplates { get; init; } = [];
    public required IReadOnlyList<RelationSample> Samples { get; init; }
    /// <summary>Sentences with an object and no subject (Table 2's perplexity check); usually empty.</summary>
    public IReadOnlyList<ObjectSentence> ObjectSentences { get; init; } = [];
    /// <summary>
    /// How many sample rows the relation has in the data set it comes from: the file's
    /// <c>source.samples</c> when given, else its number of <c>samples</c> entries (an LRE file
    /// lists a subject once per object, so this can exceed <see cref="Samples"/>' count).
    /// </summary>
    public int SourceSamples { get; init; }
    /// <summary>The file the relation was read from (for messages); null when built in code.</summary>
    public string? SourcePath { get; init; }

    public RelationKey Key => new(Id, Language);

    /// <summary>
    /// The fact ids the file itself holds out for testing, when any of its samples carries a
    /// <c>split</c>; null when the split is left to the seeded splitter.
    /// </summary>
    public IReadOnlySet<string>? FixedTestFacts =>
        Samples.Any(s => s.Split is not null)
            ? Samples.Where(s => s.Split == PromptSplit.Test).Select(s => s.Id).ToHashSet(StringComparer.Ordinal)
            : null;
}

/// <summary>Identifies a relation in one language.</summary>
public readonly record struct RelationKey(string Id, string Language)
{
    public override string ToString() => $"{Id} ({Language})";
}
