using System.Text;
using RelationNeurons.Analysis;

namespace RelationNeurons.Tests.Analysis;

public class CooccurrenceCounterTests
{
    private static readonly CooccurrenceFact[] Facts =
    [
        new("capital", "f0", "France", "Paris"),
        new("capital", "f1", "United States", "Washington"),
        new("capital", "f2", "Japan", "Tokyo"),
        new("capital_zh", "z0", "法国", "巴黎"),
        new("city", "c0", "New York", "USA"),
        new("self", "s0", "Paris", "Paris"),
    ];

    private static string Corpus(params (string Name, string Content)[] files)
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in files)
        {
            string path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        return folder;
    }

    [Fact]
    public void CountsDocumentsWithBothTermsWholeWordCaseInsensitiveAndSubstringForCjk()
    {
        string folder = Corpus(
            ("a.txt", "PARIS is the capital of France.\nParis again, and france again."),       // f0 once (one document), s0
            ("b.txt", "Parisian food in France."),                                              // not Paris: no f0
            ("sub/c.jsonl", """
                {"text": "The united   states' capital, Washington."}
                {"text": "Washington alone"}

                {"text": "Tokyo, Japan; new-york in the usa"}
                {"text": "巴黎是法国的首都"}
                {"text": "   "}
                """),
            ("d.md", "France Paris"),                                                           // not a corpus file
            ("e.txt", "Newark, USA, York"));                                                   // no "new york"
        try
        {
            var progress = new List<CorpusProgress>();
            var counts = CooccurrenceCounter.Count(folder, Facts, new SyncProgress<CorpusProgress>(progress.Add), parallelism: 2);
            Assert.Equal(4, counts.Files);
            Assert.Equal(7, counts.Documents);
            Assert.Equal([1L, 1, 1, 1, 1, 1], counts.Facts.Select(f => f.Documents));
            Assert.Equal(Facts, counts.Facts.Select(f => f.Fact));
            Assert.Equal(4, progress.Count);
            Assert.Contains(progress, p => p.FilesDone == 4 && p.Files == 4);

            // One worker or many: the same counts.
            var serial = CooccurrenceCounter.Count(folder, Facts, parallelism: 1);
            Assert.Equal(counts.Facts, serial.Facts);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ManyFilesInParallelAddUp()
    {
        var files = Enumerable.Range(0, 40).Select(i => ($"{i:D2}.txt", i % 3 == 0 ? "France and Paris" : i % 3 == 1 ? "Japan" : "tokyo JAPAN")).ToArray();
        string folder = Corpus(files);
        try
        {
            var counts = CooccurrenceCounter.Count(folder, Facts);
            Assert.Equal(40, counts.Documents);
            Assert.Equal(14, counts.Facts[0].Documents);
            Assert.Equal(13, counts.Facts[2].Documents);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void BadCorporaAreUserErrorsNamingTheCulprit()
    {
        string missing = Path.Combine(Path.GetTempPath(), "relneurons-nothing-" + Guid.NewGuid().ToString("N"));
        Assert.Contains(missing, Assert.Throws<UserInputException>(() => CooccurrenceCounter.Count(missing, Facts)).Message);

        string noFiles = Corpus(("x.md", "France Paris"));
        string empty = Corpus(("x.txt", "  \n"), ("y.jsonl", "\n"));
        string latin1 = Corpus(("ok.txt", "Paris"));
        File.WriteAllBytes(Path.Combine(latin1, "bad.txt"), Encoding.Latin1.GetBytes("M\u00fcnchen"));
        string latin1Jsonl = Corpus(("ok.txt", "Paris"));
        File.WriteAllBytes(Path.Combine(latin1Jsonl, "bad.jsonl"), Encoding.Latin1.GetBytes("{\"text\": \"M\u00fcnchen\"}\n"));
        string badJson = Corpus(("bad.jsonl", "{\"text\": \"a\"}\n{\"body\": \"b\"}\n"));
        try
        {
            Assert.Contains("no .txt or .jsonl", Assert.Throws<UserInputException>(() => CooccurrenceCounter.Count(noFiles, Facts)).Message);
            Assert.Contains("empty", Assert.Throws<UserInputException>(() => CooccurrenceCounter.Count(empty, Facts)).Message);
            Assert.Contains("bad.txt", AssertUserError(() => CooccurrenceCounter.Count(latin1, Facts)).Message);
            Assert.Contains("bad.jsonl", AssertUserError(() => CooccurrenceCounter.Count(latin1Jsonl, Facts)).Message);
            var e = AssertUserError(() => CooccurrenceCounter.Count(badJson, Facts));
            Assert.Contains("bad.jsonl: line 2", e.Message);
        }
        finally
        {
            foreach (string f in new[] { noFiles, empty, latin1, latin1Jsonl, badJson }) Directory.Delete(f, true);
        }
    }

    /// <summary>Parallel.ForEach wraps a worker's exception in an AggregateException; the counter must not.</summary>
    private static UserInputException AssertUserError(Action action) => Assert.Throws<UserInputException>(action);

    [Fact]
    public void WordsAreRunsOfLettersAndDigits()
    {
        Assert.Equal(["new", "york", "s", "café", "2024"], CooccurrenceCounter.Words("new-york's café, 2024!"));
        Assert.True(CooccurrenceCounter.IsUnspaced("東京"));
        Assert.True(CooccurrenceCounter.IsUnspaced("とうきょう"));
        Assert.False(CooccurrenceCounter.IsUnspaced("München"));
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();
        public void Report(T value) { lock (_lock) report(value); }
    }

    [Fact]
    public void ASingleFileIsACorpusTooAndTheModelsOwnCorpusIsFoundBesideIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir[CooccurrenceCounter.ModelCorpusFile], ["{\"text\": \"Paris is in France.\"}", "{\"text\": \"France, Paris.\"}", "{\"text\": \"Paris\"}"]);
        File.WriteAllText(dir["notes.md"], "not a corpus");
        var facts = new[] { new CooccurrenceFact("capital", "fr", "France", "Paris") };
        Assert.Equal(dir[CooccurrenceCounter.ModelCorpusFile], CooccurrenceCounter.BesideModel(dir.Path));
        var counts = CooccurrenceCounter.Count(dir[CooccurrenceCounter.ModelCorpusFile], facts);
        Assert.Equal((1, 3L, 2L), (counts.Files, counts.Documents, counts.Facts[0].Documents));
        Assert.Contains("must be .txt or .jsonl", Assert.Throws<UserInputException>(() => CooccurrenceCounter.Count(dir["notes.md"], facts)).Message);
        using var empty = new TempDirectory();
        Assert.Null(CooccurrenceCounter.BesideModel(empty.Path));
    }
}
