using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RelationNeurons.Data;
using RelationNeurons.IO;

namespace RelationNeurons.Analysis;

/// <summary>One fact whose subject–object co-occurrence is counted.</summary>
public sealed record CooccurrenceFact(string Relation, string FactId, string Subject, string Object)
{
    /// <summary>Every fact of a relation (its canonical object).</summary>
    public static IReadOnlyList<CooccurrenceFact> Of(Relation relation) =>
        relation.Samples.Select(s => new CooccurrenceFact(relation.Id, s.Id, s.Subject, s.Object)).ToList();
}

/// <summary>A fact and the number of documents that contain both its subject and its object.</summary>
public sealed record FactFrequency(CooccurrenceFact Fact, long Documents);

/// <summary>The corpus read (files, non-empty documents) and every fact's document count, in the facts' order.</summary>
public sealed record CooccurrenceCounts(int Files, long Documents, IReadOnlyList<FactFrequency> Facts)
{
    /// <summary>
    /// The counts of <paramref name="facts"/> (each among these, by relation and fact id), in their
    /// order. A fact's count does not depend on the other facts counted with it (every term is
    /// matched on its own), so counting more facts and keeping some gives the same numbers.
    /// </summary>
    public CooccurrenceCounts For(IReadOnlyList<CooccurrenceFact> facts)
    {
        var byKey = Facts.ToDictionary(f => (f.Fact.Relation, f.Fact.FactId));
        return this with
        {
            Facts = facts.Select(f => byKey.TryGetValue((f.Relation, f.FactId), out var counted) && counted.Fact == f ? counted
                : throw new ArgumentException($"fact {f.Relation}/{f.FactId} was not counted", nameof(facts))).ToList(),
        };
    }

    /// <summary>The counts of a corpus from the counts of its parts (disjoint sets of files, the same facts in the same order).</summary>
    public static CooccurrenceCounts Sum(IReadOnlyList<CooccurrenceCounts> parts, string corpus)
    {
        if (parts.Count == 0) throw new ArgumentException("no parts", nameof(parts));
        var facts = parts[0].Facts.Select(f => f.Fact).ToList();
        if (parts.Any(p => !p.Facts.Select(f => f.Fact).SequenceEqual(facts)))
            throw new UserInputException($"{corpus}: the corpus counts to add up were made for different facts");
        long documents = parts.Sum(p => p.Documents);
        if (documents == 0) throw new UserInputException($"{corpus}: the corpus has no text (every document is empty)");
        return new CooccurrenceCounts(parts.Sum(p => p.Files), documents,
            facts.Select((f, i) => new FactFrequency(f, parts.Sum(p => p.Facts[i].Documents))).ToList());
    }
}

/// <summary>Progress of a count: files finished of all, documents read so far.</summary>
public readonly record struct CorpusProgress(int FilesDone, int Files, long Documents);

/// <summary>
/// Counts, for each fact (subject, object), the documents of a corpus in which both occur (the
/// fact frequency of the paper's App E). The corpus is a folder, searched recursively, or a single
/// file: every <c>.txt</c> file is one document; every <c>.jsonl</c> file holds one document per
/// line, an object with a string <c>"text"</c>. Empty documents are skipped. Files must be UTF-8.
/// <para>
/// Matching is case-insensitive (invariant lower case of both sides). A term written in a
/// script without spaces between words (any Han, Hiragana, Katakana or Hangul character) matches
/// as a substring. Any other term matches whole words: text is split into words (maximal runs of
/// letters, digits, combining marks), and the term's words must occur as consecutive words of the
/// document, whatever separates them ("New York" matches "new-york" and "NEW YORK," but not
/// "Newark"; "Paris" does not match "Parisian").
/// </para>
/// Files are read in parallel (one worker per core by default), documents streamed line by line
/// (a <c>.txt</c> document is read whole); <c>progress</c> is reported from the worker threads after each file.
/// </summary>
public static class CooccurrenceCounter
{
    public static readonly string[] Extensions = [".txt", ".jsonl"];

    /// <summary>
    /// The corpus a model folder may carry for App E: its own training text, one JSON document per
    /// line (the demo model's, written when it is trained). Used when no corpus is given.
    /// </summary>
    public const string ModelCorpusFile = "training_corpus.jsonl";

    /// <summary>The model folder's <see cref="ModelCorpusFile"/> when it exists, else null.</summary>
    public static string? BesideModel(string modelFolder)
    {
        string path = Path.Combine(modelFolder, ModelCorpusFile);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The corpus files of <paramref name="path"/> (a folder, searched recursively, or one .txt/.jsonl file), in ordinal order.</summary>
    public static string[] Files(string path)
    {
        bool known(string f) => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
            return known(path) ? [path] : throw new UserInputException($"{path}: a corpus file must be .txt or .jsonl");
        if (!Directory.Exists(path)) throw new UserInputException($"{path}: corpus folder or file not found");
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(known).Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new UserInputException($"{path}: no .txt or .jsonl files (the corpus is empty)");
    }

    public static CooccurrenceCounts Count(string folder, IReadOnlyList<CooccurrenceFact> facts,
        IProgress<CorpusProgress>? progress = null, int? parallelism = null, CancellationToken cancel = default)
    {
        var counts = CountFiles(Files(folder), facts, progress, parallelism, cancel);
        if (counts.Documents == 0) throw new UserInputException($"{folder}: the corpus has no text (every document is empty)");
        return counts;
    }

    /// <summary>
    /// The counts of some of a corpus's files (a shard's share of <see cref="Files"/>); an empty
    /// share counts nothing. The parts add up to <see cref="Count"/> (<see cref="CooccurrenceCounts.Sum"/>).
    /// </summary>
    public static CooccurrenceCounts CountFiles(IReadOnlyList<string> files, IReadOnlyList<CooccurrenceFact> facts,
        IProgress<CorpusProgress>? progress = null, int? parallelism = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var matcher = new TermMatcher(facts);
        var totals = new long[facts.Count];
        long documents = 0;
        int done = 0;
        var options = new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount };
        try
        {
            Parallel.ForEach(files, options,
                () => new Worker(matcher),
                (file, _, worker) =>
                {
                    long before = worker.Documents;
                    foreach (string doc in Documents(file))
                    {
                        cancel.ThrowIfCancellationRequested();
                        worker.Add(doc);
                    }
                    long docs = Interlocked.Add(ref documents, worker.Documents - before);
                    progress?.Report(new CorpusProgress(Interlocked.Increment(ref done), files.Count, docs));
                    return worker;
                },
                worker =>
                {
                    for (int i = 0; i < totals.Length; i++)
                        if (worker.Counts[i] != 0) Interlocked.Add(ref totals[i], worker.Counts[i]);
                });
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.FirstOrDefault(x => x is UserInputException or OperationCanceledException) is { } inner)
        {
            // A bad file is the user's error, not a crash: rethrow it as itself.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }
        return new CooccurrenceCounts(files.Count, documents, facts.Select((f, i) => new FactFrequency(f, totals[i])).ToList());
    }

    /// <summary>The non-empty documents of one file, streamed; bytes that are not UTF-8 are a user error naming the file.</summary>
    public static IEnumerable<string> Documents(string file)
    {
        bool jsonl = Path.GetExtension(file).Equals(".jsonl", StringComparison.OrdinalIgnoreCase);
        if (!jsonl)
        {
            string text = StrictText.ReadAllText(file);
            if (text.Trim().Length > 0) yield return text;
            yield break;
        }
        StreamReader reader;
        try { reader = new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserInputException($"{file}: cannot read ({e.Message})"); }
        using (reader)
        {
            int number = 0;
            while (true)
            {
                string? line;
                try { line = reader.ReadLine(); }
                catch (DecoderFallbackException) { throw new UserInputException($"{file}: not valid UTF-8 (after line {number}); save the file as UTF-8"); }
                if (line is null) yield break;
                number++;
                if (number == 1 && line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
                if (line.Trim().Length == 0) continue;
                string? text;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    text = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String
                        ? t.GetString() : throw new UserInputException($"{file}: line {number}: expected an object with a string \"text\"");
                }
                catch (JsonException e) { throw new UserInputException($"{file}: line {number}: malformed JSON ({e.Message})"); }
                if (text!.Trim().Length > 0) yield return text;
            }
        }
    }

    /// <summary>Splits lower-cased text into words: maximal runs of letters, digits and combining marks.</summary>
    internal static List<string> Words(string lower)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= lower.Length; i++)
        {
            bool inWord = i < lower.Length && IsWordChar(lower[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0) { words.Add(lower[start..i]); start = -1; }
        }
        return words;
    }

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || char.IsSurrogate(c) ||
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    /// <summary>True for scripts written without spaces: Han, Hiragana, Katakana, Hangul (and their extensions).</summary>
    internal static bool IsUnspaced(string term)
    {
        foreach (char c in term)
            if (c is >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF'
                or >= '\uAC00' and <= '\uD7AF' or >= '\uF900' and <= '\uFAFF' or >= '\u1100' and <= '\u11FF' || char.IsSurrogate(c))
                return true;
        return false;
    }

    /// <summary>The distinct terms of the facts, indexed for matching.</summary>
    private sealed class TermMatcher
    {
        public readonly int TermCount;
        public readonly int[] SubjectOf, ObjectOf;
        public readonly Dictionary<string, List<(int Term, string[] Words)>> ByFirstWord = new(StringComparer.Ordinal);
        public readonly List<(int Term, string Text)> Unspaced = [];
        public readonly List<int>[] FactsBySubject;

        public TermMatcher(IReadOnlyList<CooccurrenceFact> facts)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            int Term(string raw)
            {
                string lower = raw.Trim().ToLowerInvariant();
                if (index.TryGetValue(lower, out int t)) return t;
                t = index.Count;
                index[lower] = t;
                if (IsUnspaced(lower)) { if (lower.Length > 0) Unspaced.Add((t, lower)); }
                else
                {
                    var words = Words(lower).ToArray();
                    if (words.Length > 0)
                    {
                        if (!ByFirstWord.TryGetValue(words[0], out var list)) ByFirstWord[words[0]] = list = [];
                        list.Add((t, words));
                    }
                }
                return t;
            }
            SubjectOf = new int[facts.Count];
            ObjectOf = new int[facts.Count];
            for (int i = 0; i < facts.Count; i++) { SubjectOf[i] = Term(facts[i].Subject); ObjectOf[i] = Term(facts[i].Object); }
            TermCount = index.Count;
            FactsBySubject = new List<int>[TermCount];
            for (int i = 0; i < facts.Count; i++) (FactsBySubject[SubjectOf[i]] ??= []).Add(i);
        }
    }

    /// <summary>One worker's counts (thread-local).</summary>
    private sealed class Worker(TermMatcher m)
    {
        public readonly long[] Counts = new long[m.SubjectOf.Length];
        public long Documents;
        private readonly bool[] _found = new bool[m.TermCount];
        private readonly List<int> _foundList = [];

        public void Add(string document)
        {
            Documents++;
            string lower = document.ToLowerInvariant();
            foreach (int t in _foundList) _found[t] = false;
            _foundList.Clear();
            void Mark(int t) { if (!_found[t]) { _found[t] = true; _foundList.Add(t); } }
            if (m.ByFirstWord.Count > 0)
            {
                var words = Words(lower);
                for (int i = 0; i < words.Count; i++)
                {
                    if (!m.ByFirstWord.TryGetValue(words[i], out var candidates)) continue;
                    foreach (var (term, termWords) in candidates)
                    {
                        if (_found[term] || i + termWords.Length > words.Count) continue;
                        bool all = true;
                        for (int j = 1; j < termWords.Length && all; j++) all = words[i + j] == termWords[j];
                        if (all) Mark(term);
                    }
                }
            }
            foreach (var (term, text) in m.Unspaced)
                if (!_found[term] && lower.Contains(text, StringComparison.Ordinal)) Mark(term);
            foreach (int t in _foundList)
                if (m.FactsBySubject[t] is { } facts)
                    foreach (int f in facts)
                        if (_found[m.ObjectOf[f]]) Counts[f]++;
        }
    }
}
