using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// `--shard i/n` on the standalone verbs (record, expertise, experiment, perplexity), on the micro
/// model: the shards run as separate processes, then the same command without `--shard` merges
/// them; every file (perplexity: its `--json` output) equals one process's, byte for byte. A merge
/// with a shard missing, or with one made with other settings, is refused and names the shard.
/// </summary>
public sealed class ShardedVerbsTests(ITestOutputHelper output)
{
    private const int N = 3;

    private static (int Code, string Stdout, string Output) Relneurons(params IEnumerable<string> args)
    {
        using var p = CliProcess.Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException($"relneurons {string.Join(' ', args)} did not finish"); }
        return (p.ExitCode, stdout.Result, stdout.Result + stderr);
    }

    private static string Succeeds(string what, params IEnumerable<string> args)
    {
        var (code, stdout, all) = Relneurons(args);
        Assert.True(code == 0, $"{what}: exit {code}\n{all}");
        return stdout;
    }

    /// <summary>The shards of one command as parallel processes (one thread each).</summary>
    private static void Shards(string what, string[] args)
    {
        var exits = Enumerable.Range(0, N).AsParallel().WithDegreeOfParallelism(N)
            .Select(i => (i, Relneurons([.. args, "--shard", $"{i}/{N}", "--threads", "1"]))).ToList();
        foreach (var (i, (code, _, all)) in exits) Assert.True(code == 0, $"{what} shard {i}/{N}: exit {code}\n{all}");
    }

    private static void Refused(string expected, params IEnumerable<string> args)
    {
        var (code, _, all) = Relneurons(args);
        Assert.True(code == 2 && all.Contains(expected), $"expected exit 2 with \"{expected}\":\n{all}");
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(OutputIntegrity.IsFinalName)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static void SameFiles(string expected, string actual)
    {
        var (e, a) = (Hashes(expected), Hashes(actual));
        Assert.True(e.Count > 2, $"only {e.Count} files in {expected}");
        var differences = e.Keys.Union(a.Keys).Order(StringComparer.Ordinal).Where(k => e.GetValueOrDefault(k) != a.GetValueOrDefault(k)).ToList();
        Assert.True(differences.Count == 0, $"{actual} differs from one process's output: {string.Join(", ", differences)}");
    }

    /// <summary>The small relations with object sentences (Table 2), the micro model trained on them, and a run through select.</summary>
    private static (string Model, string Run, string[] RunArgs) Study(TempDirectory temp)
    {
        string relations = ShardedRunTests.WithObjectSentences(KillAnywhereTests.SmallRelations(temp["relations"]));
        string model = MicroModel.WriteWithTokenizer(temp["model"], KillAnywhereTests.RelationTexts(relations), layers: 4);
        string run = temp["run"];
        var args = KillAnywhereTests.RunArgs(model, relations, run);
        foreach (string stage in new[] { "prompts", "validation", "record", "expertise", "select" }) Succeeds(stage, [.. args, "--stage", stage]);
        return (model, run, args);
    }

    [Fact]
    public void RecordExpertiseAndExperimentShardsMergeIntoOneProcesssFiles()
    {
        using var temp = new TempDirectory();
        var (model, run, _) = Study(temp);

        // record: outputs name their folder, so the sharded record is made where the reference was (moved aside).
        string record = temp["record"], recordRef = temp["record-ref"];
        string[] recordArgs = ["record", "--model", model, "--prompts", Path.Combine(run, "prompts"), "--out", record, "--batch", "4", "--protocol", "kojima"];
        Succeeds("record", recordArgs);
        Directory.Move(record, recordRef);
        Shards("record", recordArgs);
        string manifest2 = Path.Combine(record, "shards", "record", $"shard-2-of-{N}.json");
        File.Move(manifest2, manifest2 + ".aside");
        Refused($"shard 2/{N} missing", recordArgs);
        File.Move(manifest2 + ".aside", manifest2);
        Succeeds("record merge", recordArgs);
        Assert.False(Directory.Exists(Path.Combine(record, "shards")), "the merge left the shard files");
        SameFiles(recordRef, record);

        // expertise, on the merged record; one shard made with another seed is refused by name.
        string expertise = temp["expertise"], expertiseRef = temp["expertise-ref"];
        string[] expertiseArgs = ["expertise", "--record", record, "--out", expertise, "--protocol", "kojima"];
        Succeeds("expertise", expertiseArgs);
        Directory.Move(expertise, expertiseRef);
        Succeeds("expertise shard 1 with another seed", [.. expertiseArgs, "--seed", "7", "--shard", $"1/{N}"]);
        Shards("expertise", expertiseArgs);   // shard 1 is redone: its manifest's digest is not this command's
        string manifest1 = Path.Combine(expertise, "shards", "expertise", $"shard-1-of-{N}.json");
        string good = File.ReadAllText(manifest1);
        File.WriteAllText(manifest1, Regex.Replace(good, @"""settings"": ""[0-9a-f]{4}", @"""settings"": ""0000"));
        Refused($"shard 1/{N} was made with other settings", expertiseArgs);
        File.WriteAllText(manifest1, good);
        Succeeds("expertise merge", expertiseArgs);
        SameFiles(expertiseRef, expertise);

        // experiment all, on copies of the run's prompts, neuron sets and expertise.
        string experiments = temp["experiments"], experimentsRef = temp["experiments-ref"];
        void Fresh()
        {
            foreach (string sub in new[] { "prompts", "selection", "expertise" }) CopyFolder(Path.Combine(run, sub), Path.Combine(experiments, sub));
        }
        string[] experimentArgs = ["experiment", "all", "--run", experiments, "--model", model, "--protocol", "kojima", "--random-seeds", "2",
            "--resamples", "100", "--max-new-tokens", "3", "--cumulativity-scales", "0.5,1", "--cumulativity-random-seeds", "1"];
        Fresh();
        Succeeds("experiment all", experimentArgs);
        Assert.DoesNotContain("\"skipped\": \"", File.ReadAllText(Path.Combine(experiments, "perplexity.json")));
        Directory.Move(experiments, experimentsRef);
        Fresh();
        Shards("experiment all", experimentArgs);
        Refused("was made with other settings", [.. experimentArgs.Select(a => a == "100" ? "50" : a)]);
        Succeeds("experiment all merge", experimentArgs);
        SameFiles(experimentsRef, experiments);
        output.WriteLine($"{Hashes(experiments).Count} experiment files identical to one process's");
    }

    [Fact]
    public void PerplexityShardsMergeIntoOneProcesssJson()
    {
        using var temp = new TempDirectory();
        var (model, run, _) = Study(temp);
        string texts = temp["texts.txt"];
        File.WriteAllLines(texts, File.ReadLines(Path.Combine(run, "prompts", "test.jsonl")).Take(8)
            .Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>()).Prepend("").Append("The capital is Paris."));
        string shards = temp["perplexity-shards"];
        string[] args = ["perplexity", "--model", model, "--text", texts, "--neurons", Path.Combine(run, "selection", "neuron_sets.json"),
            "--relation", "country_capital", "--language", "en", "--json"];
        static string Comparable(string json) => Regex.Replace(json, @"""seconds"":\s*[0-9.eE+-]+", @"""seconds"":0");

        string one = Succeeds("perplexity", args);
        Shards("perplexity", [.. args, "--shards", shards]);
        File.Delete(Path.Combine(shards, "shards", "perplexity", $"shard-0-of-{N}.json"));
        Refused($"shard 0/{N} missing", [.. args, "--shards", shards]);
        Succeeds("perplexity shard 0 with a random set", [.. args, "--set", "random:1", "--shards", shards, "--shard", $"0/{N}"]);
        Refused($"shard 0/{N} was made with other settings", [.. args, "--shards", shards]);
        Succeeds("perplexity shard 0 again", [.. args, "--shards", shards, "--shard", $"0/{N}"]);
        string merged = Succeeds("perplexity merge", [.. args, "--shards", shards]);
        Assert.Equal(Comparable(one), Comparable(merged));
        Assert.Matches(@"""texts"":\s*9,", merged);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
