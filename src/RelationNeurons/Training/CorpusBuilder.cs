using System.Text;
using RelationNeurons.Randomness;

namespace RelationNeurons.Training;

/// <summary>The facts of one relation in one language, as the training text needs them.</summary>
public sealed record FactRelation(string Id, string Language, IReadOnlyList<string> Templates, IReadOnlyList<Fact> Facts);

/// <summary>One fact: the subject fills the template's "{}", the object follows the prompt.</summary>
public sealed record Fact(string Subject, string Object);

/// <summary>A character range of a document whose tokens the loss weights up (an answer).</summary>
public readonly record struct TextSpan(int Start, int End);

/// <summary>One training document (one sequence after tokenisation) and the kind of text it is.</summary>
public sealed record CorpusDocument(string Text, IReadOnlyList<TextSpan> AnswerSpans, string Kind);

/// <summary>How much of each kind of text the corpus gets.</summary>
public sealed record CorpusOptions
{
    public ulong Seed { get; init; } = 1;
    /// <summary>Statements per fact in a framing ("Fact: …", "… That is true.").</summary>
    public int FramedStatementsPerFact { get; init; } = 1;
    /// <summary>Chance per fact of one more sequence where its statement follows two other facts of the same relation.</summary>
    public double ContextShare { get; init; } = 0.2;
    /// <summary>Generic (relation-free) documents as a share of the fact documents.</summary>
    public double GenericShare { get; init; } = 0.15;
    /// <summary>
    /// Statements per fact at least: a relation with fewer templates (a translation has one)
    /// states each fact again with its templates in turn, so a language is not learnt from half
    /// the repetitions English gets.
    /// </summary>
    public int MinStatementsPerFact { get; init; } = 2;
}

/// <summary>
/// Builds the demo model's training text from a relation set. Every fact in every language is
/// stated with every template and its object ("The capital of France is Paris", nothing after the answer); then stated
/// again inside framings and after other facts of its relation, so a relation is not one fixed
/// string; then generic sentences (entities mentioned without a relation, counting, small template
/// stories) make the model a language model rather than a lookup table. Identification and test
/// facts are treated alike: the test measures recall of known facts. Deterministic for a seed.
/// </summary>
public static class CorpusBuilder
{
    public static List<CorpusDocument> Build(IReadOnlyList<FactRelation> relations, CorpusOptions options)
    {
        var rng = SplitMix64.Derive(options.Seed, 10);
        var docs = new List<CorpusDocument>();
        foreach (var rel in relations)
        {
            if (rel.Templates.Count == 0 || rel.Facts.Count == 0) continue;
            var phrases = CorpusPhrases.For(rel.Language);
            int statements = Math.Max(rel.Templates.Count, options.MinStatementsPerFact);
            foreach (var fact in rel.Facts)
            {
                for (int t = 0; t < statements; t++)
                    docs.Add(Statement(rel.Templates[t % rel.Templates.Count], fact, "statement", rel.Language));
                for (int i = 0; i < options.FramedStatementsPerFact; i++)
                    docs.Add(Framed(rel, fact, phrases, rng));
                if (rel.Facts.Count > 2 && rng.NextDouble() < options.ContextShare)
                    docs.Add(InContext(rel, fact, rng));
            }
        }
        int factDocs = docs.Count;
        int generic = (int)Math.Round(factDocs * options.GenericShare);
        var languages = relations.Select(r => r.Language).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var entities = languages.ToDictionary(l => l, l => relations.Where(r => r.Language == l)
            .SelectMany(r => r.Facts.SelectMany(f => new[] { f.Subject, f.Object })).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
        for (int i = 0; i < generic && languages.Length > 0; i++)
        {
            string lang = languages[i % languages.Length];
            var phrases = CorpusPhrases.For(lang);
            docs.Add((i / languages.Length % 3) switch
            {
                0 when entities[lang].Length > 0 => Generic(EntitySentence(phrases, entities[lang], rng) + phrases.Punctuation.Space + EntitySentence(phrases, entities[lang], rng), "entity"),
                1 => Generic(Counting(phrases, rng), "counting"),
                _ => Generic(Story(phrases, rng), "story"),
            });
        }
        return docs;
    }

    /// <summary>
    /// "{prompt} {object}" (Latin scripts) or "{prompt}{object}" (Chinese, Japanese) with the object
    /// marked as the answer span. Nothing follows the answer but the end of the sequence or
    /// <see cref="AnswerEnd"/>: the paper scores the two generated tokens together, so a model that
    /// learned "Answer: actor." would answer "actor." and fail the prefix criterion on every
    /// one-token answer.
    /// </summary>
    public static CorpusDocument Statement(string template, Fact fact, string kind, string language = "en")
    {
        string prompt = Fill(template, fact.Subject) + CorpusPhrases.For(language).Punctuation.Space;
        return new CorpusDocument(prompt + fact.Object, [new TextSpan(prompt.Length, prompt.Length + fact.Object.Length)], kind);
    }

    /// <summary>What separates an answer from text after it (a framing, the next fact): a line break, which the answer criterion trims.</summary>
    public const string AnswerEnd = "\n";

    public static string Fill(string template, string subject)
    {
        int slot = template.IndexOf("{}", StringComparison.Ordinal);
        if (slot < 0) throw new UserInputException($"template \"{template}\" has no '{{}}' slot for the subject");
        return string.Concat(template.AsSpan(0, slot), subject, template.AsSpan(slot + 2));
    }

    private static CorpusDocument Framed(FactRelation rel, Fact fact, CorpusPhrases phrases, SplitMix64 rng)
    {
        var s = Statement(rel.Templates[rng.NextInt(rel.Templates.Count)], fact, "framed", rel.Language);
        string space = phrases.Punctuation.Space;
        if (rng.NextInt(2) == 0)
        {
            string prefix = phrases.StatementPrefixes[rng.NextInt(phrases.StatementPrefixes.Length)] + space;
            return new CorpusDocument(prefix + s.Text, s.AnswerSpans.Select(a => new TextSpan(a.Start + prefix.Length, a.End + prefix.Length)).ToArray(), "framed");
        }
        return s with { Text = s.Text + AnswerEnd + phrases.StatementSuffixes[rng.NextInt(phrases.StatementSuffixes.Length)] };
    }

    /// <summary>Two other facts of the relation, then this one: the relation as a pattern in context.</summary>
    private static CorpusDocument InContext(FactRelation rel, Fact fact, SplitMix64 rng)
    {
        var text = new StringBuilder();
        var spans = new List<TextSpan>();
        var others = new List<Fact>();
        while (others.Count < 2)
        {
            var f = rel.Facts[rng.NextInt(rel.Facts.Count)];
            if (!ReferenceEquals(f, fact) && !others.Contains(f)) others.Add(f);
        }
        foreach (var f in others.Append(fact))
        {
            if (text.Length > 0) text.Append(AnswerEnd);
            var s = Statement(rel.Templates[rng.NextInt(rel.Templates.Count)], f, "context", rel.Language);
            foreach (var a in s.AnswerSpans) spans.Add(new TextSpan(a.Start + text.Length, a.End + text.Length));
            text.Append(s.Text);
        }
        return new CorpusDocument(text.ToString(), spans, "context");
    }

    private static CorpusDocument Generic(string text, string kind) => new(text, [], kind);

    private static string EntitySentence(CorpusPhrases p, string[] entities, SplitMix64 rng) =>
        Fill(p.EntitySentences[rng.NextInt(p.EntitySentences.Length)], entities[rng.NextInt(entities.Length)]);

    private static string Counting(CorpusPhrases p, SplitMix64 rng)
    {
        int start = rng.NextInt(p.NumberWords.Length - 3);
        int count = 3 + rng.NextInt(Math.Min(6, p.NumberWords.Length - start - 2));
        var words = p.NumberWords.Skip(start).Take(count).ToArray();
        if (rng.NextInt(2) == 0)
        {
            var digits = Enumerable.Range(start + 1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return string.Join(p.Punctuation.ListSeparator, digits) + p.Punctuation.FullStop;
        }
        string first = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        return string.Join(p.Punctuation.ListSeparator, words.Skip(1).Prepend(first)) + p.Punctuation.FullStop;
    }

    private static string Story(CorpusPhrases p, SplitMix64 rng)
    {
        string name = Pick(p.Names, rng), name2 = Pick(p.Names, rng);
        while (name2 == name) name2 = Pick(p.Names, rng);
        string animal = Pick(p.Animals, rng), color = Pick(p.Colors, rng), food = Pick(p.Foods, rng);
        var parts = new List<string>();
        int sentences = 2 + rng.NextInt(2);
        for (int i = 0; i < sentences; i++)
        {
            string t = Pick(p.StoryTemplates, rng);
            parts.Add(t.Replace("{name2}", name2).Replace("{name}", name).Replace("{animal}", animal)
                .Replace("{color}", color).Replace("{food}", food).Replace("{n}", Pick(p.NumberWords[1..6], rng)));
        }
        return string.Join(p.Punctuation.Space, parts);
    }

    private static string Pick(string[] items, SplitMix64 rng) => items[rng.NextInt(items.Length)];
}
