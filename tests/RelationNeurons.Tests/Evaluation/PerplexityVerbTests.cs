using System.Text;
using System.Text.Json;
using RelationNeurons.Cli.Verbs;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Hooks;
using RelationNeurons.Tests.Cli;
using RelationNeurons.Tests.Experiments.Runners;

namespace RelationNeurons.Tests.Evaluation;

/// <summary>The `perplexity` verb on the micro model (stdout is captured, so not in parallel).</summary>
[Collection("Console")]
public class PerplexityVerbTests
{
    private static readonly MicroWorld World = MicroWorld.Instance;

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        CliHarness.InProcess([PerplexityVerb.Create()], args);

    [Fact]
    public void PlainAndJsonlFilesGiveTheLibrarysNumbersAndDeactivationChangesThem()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-ppl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string[] texts = ["The colour of kalomi is", "Die Farbe von rutezo ist", "ka lo mi"];
            string plain = Path.Combine(folder, "texts.txt");
            File.WriteAllText(plain, texts[0] + "\n\n" + texts[1] + "\r\n" + texts[2] + "\n");
            string jsonl = Path.Combine(folder, "texts.jsonl");
            File.WriteAllLines(jsonl, texts.Select(t => JsonSerializer.Serialize(new { text = t, id = 1 })));

            var (code, stdout, stderr) = Run("perplexity", "--model", World.ModelFolder, "--text", plain, "--json", "--batch-tokens", "8");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            using var model = World.LoadModel();
            var expected = Perplexity.Compute(model, World.LoadTokenizer(), texts);
            Assert.Equal(3, root.GetProperty("texts").GetInt32());
            Assert.Equal(expected.CorpusPerplexity, root.GetProperty("corpus_perplexity").GetDouble(), 12);
            Assert.Equal(expected.MeanTextPerplexity, root.GetProperty("mean_text_perplexity").GetDouble(), 12);
            Assert.Equal([1, 3, 4], root.GetProperty("per_text").EnumerateArray().Select(t => t.GetProperty("line").GetInt32()));
            Assert.Equal("clean", root.GetProperty("condition").GetString());

            (code, string fromJsonl, stderr) = Run("perplexity", "--model", World.ModelFolder, "--text", jsonl, "--json");
            Assert.True(code == 0, stderr);
            using var doc2 = JsonDocument.Parse(fromJsonl);
            Assert.Equal(expected.CorpusPerplexity, doc2.RootElement.GetProperty("corpus_perplexity").GetDouble(), 12);

            string sets = Path.Combine(folder, "neuron_sets.json");
            NeuronSetFile.Save(sets, new NeuronSetCollection([new RankedNeuronSet("home_of", "en",
                Enumerable.Range(0, 40).Select(i => new NeuronId(new HookPoint(1, TapKind.MlpPost), i)).ToArray())]));
            (code, string off, stderr) = Run("perplexity", "--model", World.ModelFolder, "--text", plain, "--neurons", sets, "--relation", "home_of", "--json");
            Assert.True(code == 0, stderr);
            using var doc3 = JsonDocument.Parse(off);
            Assert.Equal(40, doc3.RootElement.GetProperty("neurons").GetInt32());
            Assert.NotEqual(expected.CorpusPerplexity, doc3.RootElement.GetProperty("corpus_perplexity").GetDouble());

            (code, string random, stderr) = Run("perplexity", "--model", World.ModelFolder, "--text", plain, "--neurons", sets, "--relation", "home_of",
                "--set", "random:1", "--json");
            Assert.True(code == 0, stderr);
            using var doc4 = JsonDocument.Parse(random);
            Assert.StartsWith("random:home_of@en", doc4.RootElement.GetProperty("condition").GetString());
            Assert.Equal(40, doc4.RootElement.GetProperty("neurons").GetInt32());

            (code, _, stderr) = Run("perplexity", "--model", World.ModelFolder, "--text", plain, "--relation", "home_of");
            Assert.Equal(2, code);
            Assert.Contains("--neurons", stderr);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void MissingEmptyAndNonUtf8FilesAreUserErrorsNamingTheFile()
    {
        string folder = Path.Combine(Path.GetTempPath(), "relneurons-ppl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string missing = Path.Combine(folder, "missing.txt");
            string empty = Path.Combine(folder, "empty.txt");
            File.WriteAllText(empty, "\n  \n");
            string latin1 = Path.Combine(folder, "latin1.txt");
            File.WriteAllBytes(latin1, Encoding.Latin1.GetBytes("M\u00fcnchen ist\n"));
            string badJson = Path.Combine(folder, "bad.jsonl");
            File.WriteAllText(badJson, "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n");
            foreach (string file in new[] { missing, empty, latin1, badJson })
            {
                var (code, _, stderr) = Run("perplexity", "--model", World.ModelFolder, "--text", file);
                Assert.Equal(2, code);
                Assert.Contains(file, stderr);
            }
        }
        finally { Directory.Delete(folder, true); }
    }
}
