using RelationNeurons.Randomness;

namespace RelationNeurons.Data;

/// <summary>
/// Turns a relation set into identification and test prompts. The split is made by fact id, per
/// relation, once for all languages: the facts held out for testing are the same in every
/// language, so cross-lingual results compare the same facts. No subject is on both sides: facts
/// whose subjects are the same (within a relation or across relations, compared per language as
/// <see cref="Slug"/>s) are held out together or not at all. A relation's split depends only on
/// the seed, its id and its fact ids, and, when it shares subjects with other selected relations
/// (person_father and person_mother), on theirs; never on file order. A relation file may fix the
/// split itself (<see cref="RelationSample.Split"/>): then that split is used whatever the seed.
/// </summary>
public static class PromptSplitter
{
    public static PromptSets Split(RelationSet set, PromptSplitOptions options)
    {
        if (options.MaxIdentificationPrompts is < 1)
            throw new UserInputException($"the maximum number of identification prompts must be at least 1, got {options.MaxIdentificationPrompts}");
        var selected = set.Filter(options.Relations, options.Languages);
        var testIdsByRelation = ChooseTestFacts(selected, options);
        var identification = new List<Prompt>();
        var test = new List<Prompt>();
        foreach (string relationId in selected.RelationIds)
        {
            var variants = selected.InAllLanguages(relationId);
            var testIds = testIdsByRelation[relationId];
            bool isFixed = variants[0].FixedTestFacts is not null;
            foreach (var relation in variants)
            {
                // A fixed split may have languages that hold only the test facts (translations).
                if (!isFixed) CheckEnoughLeft(relation, testIds.Count);
                test.AddRange(TestPrompts(relation, testIds, options.TestTemplates));
                identification.AddRange(IdentificationPrompts(relation, testIds, options));
            }
        }
        return new PromptSets(identification, test);
    }

    /// <summary>
    /// The paper's P^eva-2 (Fig 8): the same test facts as <see cref="Split"/> chooses with
    /// <paramref name="options"/>, one prompt per <c>alternative_templates</c> entry, for every
    /// selected relation and language that has any (the others are left out, not an error: in the
    /// paper set only English has them). Empty when no relation has alternative templates.
    /// </summary>
    public static IReadOnlyList<Prompt> AlternativeTestPrompts(RelationSet set, PromptSplitOptions options)
    {
        var selected = set.Filter(options.Relations, options.Languages);
        if (!selected.All.Any(r => r.AlternativeTemplates.Count > 0)) return [];
        var testIdsByRelation = ChooseTestFacts(selected, options);
        return selected.RelationIds
            .SelectMany(id => selected.InAllLanguages(id).Where(r => r.AlternativeTemplates.Count > 0)
                .SelectMany(r => TestPrompts(r, testIdsByRelation[id], TestTemplates.Alternative)))
            .ToList();
    }

    /// <summary>The held-out fact ids of one relation, split on its own (no other relation's subjects considered).</summary>
    public static IReadOnlySet<string> ChooseTestFacts(string relationId, IReadOnlyList<Relation> variants, PromptSplitOptions options) =>
        ChooseTestFacts(new RelationSet(variants), options)[relationId];

    /// <summary>
    /// The held-out fact ids of every relation of <paramref name="set"/>. A relation whose files fix
    /// the split keeps it. For the others: the candidates are the fact ids present in every language,
    /// sorted by id and shuffled with the relation's own seeded stream; the relations then take turns
    /// (in id order) drawing their next candidate, whose subject group (every fact, of any relation in
    /// the set, with the same subject) is held out as a whole when every relation in it still has room
    /// and every fact in it is a candidate, and otherwise stays on the identification side as a whole.
    /// A relation that shares no subject takes the first n candidates of its shuffle.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ChooseTestFacts(RelationSet set, PromptSplitOptions options)
    {
        var relationIds = set.RelationIds;
        var groups = new SubjectGroups(set);
        var decided = new Dictionary<int, bool>();            // group -> held out?
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var seeded = new List<SeededRelation>();

        foreach (string relationId in relationIds)
        {
            var variants = set.InAllLanguages(relationId);
            var fixedIds = FixedTestFacts(relationId, variants);
            if (fixedIds is null)
            {
                seeded.Add(SeededRelation.Create(relationId, variants, options));
                continue;
            }
            if (!options.TestSize.IsAuto)
                throw new UserInputException(
                    $"relation '{relationId}' ({variants[0].SourcePath}) fixes its own test split ({fixedIds.Count} facts); a test size ({options.TestSize}) does not apply to it");
            if (fixedIds.Count == 0)
                throw new UserInputException($"relation '{relationId}' ({variants[0].SourcePath}) marks a split but no test fact");
            foreach (string factId in variants.SelectMany(v => v.Samples).Select(s => s.Id).Distinct())
            {
                int group = groups.Of(relationId, factId);
                bool heldOut = fixedIds.Contains(factId);
                if (decided.TryGetValue(group, out bool earlier) && earlier != heldOut)
                    throw new UserInputException(
                        $"relation '{relationId}': the fixed split puts fact '{factId}' ({groups.Describe(group)}) on the {SideName(heldOut)} side, " +
                        $"another relation's fixed split puts the same subject on the {SideName(earlier)} side");
                decided[group] = heldOut;
            }
            result.Add(relationId, fixedIds);
        }

        // Subjects already held out by a fixed split are held out in the seeded relations too.
        var count = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in seeded)
        {
            int forced = 0;
            foreach (string factId in r.AllFacts)
            {
                if (!decided.TryGetValue(groups.Of(r.Id, factId), out bool heldOut) || !heldOut) continue;
                if (!r.Candidates.Contains(factId))
                    throw new UserInputException($"relation '{r.Id}': fact '{factId}' shares its subject with a fixed test fact but is missing in some of its languages");
                forced++;
            }
            if (forced > r.Size)
                throw new UserInputException($"relation '{r.Id}': {forced} of its facts share subjects with fixed test facts of other relations, more than its test size {r.Size}");
            count[r.Id] = forced;
        }

        // The relations take turns, each drawing its next undecided candidate.
        var byId = seeded.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var position = seeded.ToDictionary(r => r.Id, _ => 0, StringComparer.Ordinal);
        for (bool drew = true; drew;)
        {
            drew = false;
            foreach (var r in seeded)
            {
                if (count[r.Id] >= r.Size) continue;
                int pos = position[r.Id];
                while (pos < r.Order.Count && decided.ContainsKey(groups.Of(r.Id, r.Order[pos]))) pos++;
                if (pos == r.Order.Count) { position[r.Id] = pos; continue; }
                int group = groups.Of(r.Id, r.Order[pos]);
                position[r.Id] = pos + 1;
                drew = true;

                var members = groups.Members(group);
                bool fits = members.All(m => byId.TryGetValue(m.Relation, out var owner) && owner.Candidates.Contains(m.Fact))
                            && members.GroupBy(m => m.Relation, StringComparer.Ordinal).All(g => count[g.Key] + g.Count() <= byId[g.Key].Size);
                decided[group] = fits;
                if (fits) foreach (var m in members) count[m.Relation]++;
            }
        }

        foreach (var r in seeded)
        {
            if (count[r.Id] < r.Size)
                throw new UserInputException(
                    $"relation '{r.Id}' has {r.Scope}: only {count[r.Id]} of the {r.Size} test facts could be held out, " +
                    "because the others share their subjects with facts of other relations that cannot be held out with them");
            result.Add(r.Id, r.AllFacts.Where(f => decided.TryGetValue(groups.Of(r.Id, f), out bool h) && h).ToHashSet(StringComparer.Ordinal));
        }
        return result;
    }

    /// <summary>
    /// The test facts a relation's files fix (<see cref="Relation.FixedTestFacts"/>), the same in
    /// every language; null when no file of the relation marks a split. A user error when some
    /// languages mark a split and others do not, or when the marked facts differ between languages
    /// (the message lists the missing and extra fact ids against English, or else the first language).
    /// </summary>
    public static IReadOnlySet<string>? FixedTestFacts(string relationId, IReadOnlyList<Relation> variants)
    {
        var marked = variants.Where(v => v.FixedTestFacts is not null).ToArray();
        if (marked.Length == 0) return null;
        var unmarked = variants.Where(v => v.FixedTestFacts is null).ToArray();
        if (unmarked.Length > 0)
            throw new UserInputException(
                $"relation '{relationId}': {Where(marked[0])} fixes the test split (samples with 'split'), but {string.Join(", ", unmarked.Select(Where))} does not; " +
                "mark the same test facts in every language");
        var reference = variants.FirstOrDefault(v => v.Language == RelationReader.DefaultLanguage) ?? variants[0];
        var expected = reference.FixedTestFacts!;
        foreach (var v in variants)
        {
            if (ReferenceEquals(v, reference)) continue;
            var ids = v.FixedTestFacts!;
            var missing = expected.Where(id => !ids.Contains(id)).Order(StringComparer.Ordinal).ToArray();
            var extra = ids.Where(id => !expected.Contains(id)).Order(StringComparer.Ordinal).ToArray();
            if (missing.Length == 0 && extra.Length == 0) continue;
            throw new UserInputException(
                $"relation '{relationId}': the test facts of {Where(v)} do not match those of {Where(reference)}: " +
                $"missing {List(missing)}; extra {List(extra)}");
        }
        return expected;

        static string Where(Relation r) => $"'{r.Language}' ({r.SourcePath ?? "in code"})";
        static string List(string[] ids) => ids.Length == 0 ? "none"
            : $"{ids.Length} ({string.Join(", ", ids.Take(20))}{(ids.Length > 20 ? ", …" : "")})";
    }

    private static string SideName(bool heldOut) => heldOut ? PromptSplit.Test : PromptSplit.Identification;

    private static void CheckEnoughLeft(Relation relation, int testCount)
    {
        if (relation.Samples.Count - testCount < 1)
            throw new UserInputException(
                $"relation '{relation.Id}' in '{relation.Language}' ({relation.SourcePath}) has {relation.Samples.Count} facts, all held out for testing; no identification facts are left");
    }

    private static IEnumerable<Prompt> TestPrompts(Relation relation, IReadOnlySet<string> testIds, TestTemplates templates)
    {
        IEnumerable<int> indices = templates switch
        {
            TestTemplates.All => Enumerable.Range(0, relation.PromptTemplates.Count),
            TestTemplates.Alternative => relation.AlternativeTemplates.Count > 0
                ? Enumerable.Range(relation.PromptTemplates.Count, relation.AlternativeTemplates.Count)
                : throw new UserInputException(
                    $"relation '{relation.Id}' in '{relation.Language}' ({relation.SourcePath}) has no alternative_templates for alternative test prompts; select the languages that have them (--languages)"),
            _ => [0],
        };
        var chosen = indices.ToArray();
        foreach (var sample in relation.Samples)
        {
            if (!testIds.Contains(sample.Id)) continue;
            foreach (int t in chosen)
                yield return Make(relation, sample, t, PromptSplit.Test);
        }
    }

    private static IEnumerable<Prompt> IdentificationPrompts(Relation relation, IReadOnlySet<string> testIds, PromptSplitOptions options)
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

    /// <summary>
    /// A prompt from template <paramref name="templateIndex"/> of the relation's
    /// <c>prompt_templates</c> followed by its <c>alternative_templates</c>.
    /// </summary>
    private static Prompt Make(Relation relation, RelationSample sample, int templateIndex, string split)
    {
        int main = relation.PromptTemplates.Count;
        string template = templateIndex < main ? relation.PromptTemplates[templateIndex] : relation.AlternativeTemplates[templateIndex - main];
        return new Prompt
        {
            Relation = relation.Id,
            Language = relation.Language,
            FactId = sample.Id,
            TemplateIndex = templateIndex,
            Template = template,
            Subject = sample.Subject,
            Object = sample.Object,
            Text = Prompt.Fill(template, sample.Subject) + relation.PromptSuffix,
            Answers = sample.Answers,
            Split = split,
        };
    }

    /// <summary>A relation split by the seeded draw: its candidates in drawing order and its test size.</summary>
    private sealed record SeededRelation(string Id, IReadOnlyList<string> Order, HashSet<string> Candidates, IReadOnlyList<string> AllFacts, int Size, string Scope)
    {
        public static SeededRelation Create(string relationId, IReadOnlyList<Relation> variants, PromptSplitOptions options)
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
            var order = candidates.ToList();
            rng.Shuffle(order);
            var all = variants.SelectMany(v => v.Samples).Select(s => s.Id).Distinct().ToArray();
            return new SeededRelation(relationId, order, common, all, n, scope);
        }
    }

    /// <summary>
    /// Facts (relation, fact id) joined when their subjects are the same in some language: the
    /// same <see cref="Slug"/> ("J. K. Rowling" = "J.K. Rowling", "NVIDIA" = "Nvidia"), or, for a
    /// subject with no letter or digit, the same text.
    /// </summary>
    private sealed class SubjectGroups
    {
        private readonly Dictionary<(string Relation, string Fact), int> _node = new();
        private readonly List<(string Relation, string Fact)> _facts = [];
        private readonly List<string> _subjects = [];
        private readonly List<int> _parent = [];
        private readonly Dictionary<int, List<(string Relation, string Fact)>> _members = [];

        public SubjectGroups(RelationSet set)
        {
            var bySubject = new Dictionary<(string Language, string Key), int>();
            foreach (var relation in set.All)
            {
                foreach (var sample in relation.Samples)
                {
                    var fact = (relation.Id, sample.Id);
                    if (!_node.TryGetValue(fact, out int node))
                    {
                        node = _facts.Count;
                        _node.Add(fact, node);
                        _facts.Add(fact);
                        _subjects.Add(sample.Subject);
                        _parent.Add(node);
                    }
                    string slug = Slug.From(sample.Subject);
                    var key = (relation.Language, slug.Length > 0 ? slug : sample.Subject);
                    if (bySubject.TryGetValue(key, out int other)) Union(node, other);
                    else bySubject.Add(key, node);
                }
            }
            for (int i = 0; i < _facts.Count; i++)
            {
                int root = Find(i);
                if (!_members.TryGetValue(root, out var list)) _members.Add(root, list = []);
                list.Add(_facts[i]);
            }
        }

        public int Of(string relationId, string factId) => Find(_node[(relationId, factId)]);

        public IReadOnlyList<(string Relation, string Fact)> Members(int group) => _members[group];

        public string Describe(int group) => $"subject \"{_subjects[group]}\"";

        private int Find(int i)
        {
            while (_parent[i] != i) i = _parent[i] = _parent[_parent[i]];
            return i;
        }

        private void Union(int a, int b)
        {
            int ra = Find(a), rb = Find(b);
            if (ra == rb) return;
            if (ra < rb) _parent[rb] = ra; else _parent[ra] = rb;
        }
    }
}
