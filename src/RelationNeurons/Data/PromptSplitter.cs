using RelationNeurons.Randomness;

namespace RelationNeurons.Data;

/// <summary>
/// Turns a relation set into identification and test prompts. The split is made by fact id, per
/// relation, once for all languages: the facts held out for testing are the same in every
/// language, so cross-lingual results compare the same facts. It depends only on the seed, the
/// relation id and the fact ids (not on file order, nor on which other relations are present).
/// </summary>
public static class PromptSplitter
{
    public static PromptSets Split(RelationSet set, PromptSplitOptions options)
    {
        if (options.MaxIdentificationPrompts is < 1)
            throw new UserInputException($"the maximum number of identification prompts must be at least 1, got {options.MaxIdentificationPrompts}");
        var selected = set.Filter(options.Relations, options.Languages);
        var identification = new List<Prompt>();
        var test = new List<Prompt>();
        foreach (string relationId in selected.RelationIds)
        {
            var variants = selected.InAllLanguages(relationId);
            var testIds = ChooseTestFacts(relationId, variants, options);
            foreach (var relation in variants)
            {
                CheckEnoughLeft(relation, testIds.Count);
                test.AddRange(TestPrompts(relation, testIds, options.TestTemplates));
                identification.AddRange(IdentificationPrompts(relation, testIds, options));
            }
        }
        return new PromptSets(identification, test);
    }

    /// <summary>
    /// The held-out fact ids of a relation: drawn from the facts present in every language, sorted
    /// by id, shuffled with the relation's own seeded stream, first n taken.
    /// </summary>
    public static HashSet<string> ChooseTestFacts(string relationId, IReadOnlyList<Relation> variants, PromptSplitOptions options)
    {
        var common = new HashSet<string>(variants[0].Samples.Select(s => s.Id), StringComparer.Ordinal);
        foreach (var v in variants.Skip(1)) common.IntersectWith(v.Samples.Select(s => s.Id));
        var candidates = common.Order(StringComparer.Ordinal).ToList();

        int n = options.TestSize.FactsFor(candidates.Count);
        string scope = variants.Count > 1
            ? $"{candidates.Count} facts common to its languages ({string.Join(", ", variants.Select(v => v.Language))})"
            : $"{candidates.Count} facts";
        if (n < 1 || n >= candidates.Count)
            throw new UserInputException(
                $"relation '{relationId}' has {scope}: too few for a test split of size {options.TestSize} " +
                $"({n} test facts; the split needs at least 1 test fact and 1 identification fact)");

        var rng = SplitMix64.ForStream(options.Seed, relationId);
        rng.Shuffle(candidates);
        return new HashSet<string>(candidates.Take(n), StringComparer.Ordinal);
    }

    private static void CheckEnoughLeft(Relation relation, int testCount)
    {
        if (relation.Samples.Count - testCount < 1)
            throw new UserInputException(
                $"relation '{relation.Id}' in '{relation.Language}' ({relation.SourcePath}) has {relation.Samples.Count} facts, all held out for testing; no identification facts are left");
    }

    private static IEnumerable<Prompt> TestPrompts(Relation relation, HashSet<string> testIds, TestTemplates templates)
    {
        int templateCount = templates == TestTemplates.All ? relation.PromptTemplates.Count : 1;
        foreach (var sample in relation.Samples)
        {
            if (!testIds.Contains(sample.Id)) continue;
            for (int t = 0; t < templateCount; t++)
                yield return Make(relation, sample, t, PromptSplit.Test);
        }
    }

    private static IEnumerable<Prompt> IdentificationPrompts(Relation relation, HashSet<string> testIds, PromptSplitOptions options)
    {
        var all = new List<Prompt>();
        foreach (var sample in relation.Samples)
        {
            if (testIds.Contains(sample.Id)) continue;
            for (int t = 0; t < relation.PromptTemplates.Count; t++)
                all.Add(Make(relation, sample, t, PromptSplit.Identification));
        }
        if (options.MaxIdentificationPrompts is not int max || all.Count <= max) return all;

        // A seeded subset, kept in file order so the output reads like the input.
        var order = Enumerable.Range(0, all.Count).ToList();
        var rng = SplitMix64.ForStream(options.Seed, $"{relation.Id}/{relation.Language}/identification");
        rng.Shuffle(order);
        return order.Take(max).Order().Select(i => all[i]).ToList();
    }

    private static Prompt Make(Relation relation, RelationSample sample, int templateIndex, string split)
    {
        string template = relation.PromptTemplates[templateIndex];
        return new Prompt
        {
            Relation = relation.Id,
            Language = relation.Language,
            FactId = sample.Id,
            TemplateIndex = templateIndex,
            Template = template,
            Subject = sample.Subject,
            Object = sample.Object,
            Text = Prompt.Fill(template, sample.Subject),
            Answers = sample.Answers,
            Split = split,
        };
    }
}
