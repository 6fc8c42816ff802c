namespace RelationNeurons.Data;

/// <summary>Which templates a test prompt uses.</summary>
public enum TestTemplates
{
    /// <summary>Only the relation's first template (the default: one prompt per test fact).</summary>
    First,
    /// <summary>Every template: one prompt per test fact and template.</summary>
    All,
    /// <summary>
    /// The relation's <c>alternative_templates</c> (never used for identification): the same test
    /// facts in another wording (the paper's P^eva-2). Their <c>template_index</c> counts on after
    /// the <c>prompt_templates</c>.
    /// </summary>
    Alternative,
}

/// <summary>Options of <see cref="PromptSplitter"/>; the defaults follow METHOD.md.</summary>
public sealed record PromptSplitOptions
{
    public ulong Seed { get; init; } = 0;
    public TestSize TestSize { get; init; } = TestSize.Auto;
    public TestTemplates TestTemplates { get; init; } = TestTemplates.First;
    /// <summary>At most this many identification prompts per relation and language (null: no limit).</summary>
    public int? MaxIdentificationPrompts { get; init; }
    /// <summary>Keep only these languages (null: all).</summary>
    public IReadOnlyCollection<string>? Languages { get; init; }
    /// <summary>Keep only these relation ids (null: all).</summary>
    public IReadOnlyCollection<string>? Relations { get; init; }
}
