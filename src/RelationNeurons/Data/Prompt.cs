namespace RelationNeurons.Data;

/// <summary>Which part of a split a prompt belongs to.</summary>
public static class PromptSplit
{
    public const string Identification = "identification";
    public const string Test = "test";
}

/// <summary>
/// One prompt: a relation template filled with a fact's subject, with the answers that count as
/// correct. One line of <c>identification.jsonl</c> or <c>test.jsonl</c>.
/// </summary>
public sealed record Prompt
{
    public required string Relation { get; init; }
    public required string Language { get; init; }
    public required string FactId { get; init; }
    public required int TemplateIndex { get; init; }
    public required string Template { get; init; }
    public required string Subject { get; init; }
    /// <summary>The canonical answer (always the first of <see cref="Answers"/>).</summary>
    public required string Object { get; init; }
    /// <summary>The template with its slot filled: what the model reads.</summary>
    public required string Text { get; init; }
    public required IReadOnlyList<string> Answers { get; init; }
    /// <summary><see cref="PromptSplit.Identification"/> or <see cref="PromptSplit.Test"/>.</summary>
    public required string Split { get; init; }

    public RelationKey RelationKey => new(Relation, Language);

    /// <summary>Fills a template's single <c>{}</c> slot.</summary>
    public static string Fill(string template, string subject)
    {
        int slot = template.IndexOf("{}", StringComparison.Ordinal);
        if (slot < 0) throw new ArgumentException($"template \"{template}\" has no '{{}}' slot", nameof(template));
        return string.Concat(template.AsSpan(0, slot), subject, template.AsSpan(slot + 2));
    }
}

/// <summary>The two prompt lists of a split.</summary>
public sealed record PromptSets(IReadOnlyList<Prompt> Identification, IReadOnlyList<Prompt> Test);
