namespace RelationNeurons.Data;

/// <summary>
/// Relations keyed by (relation id, language), as read from a file or a folder of relation files.
/// Iteration order is fixed: by language, then by relation id (ordinal), so everything derived
/// from a set (prompts, tables) comes out in the same order on every machine.
/// </summary>
public sealed class RelationSet
{
    private readonly SortedDictionary<RelationKey, Relation> _relations = new(KeyComparer.Instance);

    public RelationSet(IEnumerable<Relation> relations)
    {
        foreach (var r in relations)
        {
            if (_relations.TryGetValue(r.Key, out var existing))
                throw new UserInputException(
                    $"relation '{r.Id}' in language '{r.Language}' is defined twice: {existing.SourcePath ?? "(in code)"} and {r.SourcePath ?? "(in code)"}");
            _relations.Add(r.Key, r);
        }
    }

    /// <summary>Where the set was read from, for messages; null when built in code.</summary>
    public string? Source { get; init; }

    public int Count => _relations.Count;
    public IEnumerable<Relation> All => _relations.Values;

    /// <summary>The languages present, sorted.</summary>
    public IReadOnlyList<string> Languages => _relations.Keys.Select(k => k.Language).Distinct().ToArray();

    /// <summary>The relation ids present in any language, sorted.</summary>
    public IReadOnlyList<string> RelationIds => _relations.Keys.Select(k => k.Id).Distinct().Order(StringComparer.Ordinal).ToArray();

    public bool TryGet(string id, string language, out Relation relation) =>
        _relations.TryGetValue(new RelationKey(id, language), out relation!);

    public Relation Get(string id, string language) =>
        TryGet(id, language, out var r) ? r
            : throw new UserInputException($"relation '{id}' in language '{language}' not found in {Source ?? "the relation set"}");

    /// <summary>The relation with this id in every language that has it, by language.</summary>
    public IReadOnlyList<Relation> InAllLanguages(string id) => _relations.Values.Where(r => r.Id == id).ToArray();

    public IReadOnlyList<Relation> ForLanguage(string language) => _relations.Values.Where(r => r.Language == language).ToArray();

    /// <summary>
    /// A subset by relation ids and languages (null = keep all). Unknown names are errors, so a
    /// typo on the command line does not silently give an empty run.
    /// </summary>
    public RelationSet Filter(IReadOnlyCollection<string>? relationIds, IReadOnlyCollection<string>? languages)
    {
        var ids = RelationIds;
        var langs = Languages;
        foreach (var id in relationIds ?? [])
            if (!ids.Contains(id))
                throw new UserInputException($"unknown relation '{id}' (known: {string.Join(", ", ids)})");
        foreach (var lang in languages ?? [])
            if (!langs.Contains(lang))
                throw new UserInputException($"language '{lang}' has no relations in {Source ?? "the relation set"} (present: {string.Join(", ", langs)})");
        var kept = _relations.Values.Where(r =>
            (relationIds is null || relationIds.Contains(r.Id)) && (languages is null || languages.Contains(r.Language)));
        var result = new RelationSet(kept) { Source = Source };
        if (result.Count == 0)
            throw new UserInputException($"no relation left after filtering {Source ?? "the relation set"}");
        return result;
    }

    private sealed class KeyComparer : IComparer<RelationKey>
    {
        public static readonly KeyComparer Instance = new();
        public int Compare(RelationKey x, RelationKey y)
        {
            int c = string.CompareOrdinal(x.Language, y.Language);
            return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
