using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// A run whose heavy stages are split into shards run as plain parallel processes
/// (`relneurons run --stage S --shard i/n`), one shard SIGKILLed and run again, then merged
/// (`relneurons merge S`, or `run` merging by itself): every output equals an unsharded run's,
/// byte for byte. A merge with a shard missing, or one made with other settings, is refused by name.
/// </summary>
public sealed class ShardedRunTests(ITestOutputHelper output)
{
    private sealed record Exit(int Code, string Output, double Seconds, bool Killed);

    /// <summary>Runs the CLI; with <paramref name="killAt"/>, SIGKILLs it at the first stderr line matching it.</summary>
    private static Exit Relneurons(IEnumerable<string> args, Regex? killAt = null)
    {
        var watch = Stopwatch.StartNew();
        using var p = CliProcess.Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        bool killed = false;
        for (string? line; (line = p.StandardError.ReadLine()) is not null;)
        {
            stderr.AppendLine(line);
            if (killAt is null || killed || !killAt.IsMatch(line)) continue;
            try { p.Kill(); killed = true; } catch (InvalidOperationException) { }
        }
        if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException($"relneurons {string.Join(' ', args)} did not finish"); }
        return new Exit(p.ExitCode, stdout.Result + stderr, watch.Elapsed.TotalSeconds, killed);
    }

    private static void Succeeds(Exit exit, string what) => Assert.True(exit.Code == 0, $"{what}: exit {exit.Code}\n{exit.Output}");

    /// <summary>The shards of one stage as parallel processes, all expected to finish.</summary>
    private static double Shards(string[] runArgs, string stage, int count)
    {
        var watch = Stopwatch.StartNew();
        var exits = Enumerable.Range(0, count).AsParallel().WithDegreeOfParallelism(count)
            .Select(i => (i, Relneurons([.. runArgs, "--stage", stage, "--shard", $"{i}/{count}", "--threads", "1"]))).ToList();
        foreach (var (i, exit) in exits) Succeeds(exit, $"{stage} shard {i}/{count}");
        return watch.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(OutputIntegrity.IsFinalName)
            .Where(f => Path.GetFileName(f) != "run.json")
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(KillAnywhereTests.Comparable(f))));

    /// <summary>Adds object sentences (Table 2) to every relation file of <paramref name="folder"/>: one per sample, "The {object} is well known."</summary>
    internal static string WithObjectSentences(string folder)
    {
        foreach (string file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            var relation = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var sentences = new System.Text.Json.Nodes.JsonArray();
            foreach (var sample in relation["samples"]!.AsArray().Take(4))
            {
                string obj = sample!["object"]!.GetValue<string>();
                sentences.Add(new System.Text.Json.Nodes.JsonObject { ["object"] = obj, ["text"] = $"The {obj} is well known." });
            }
            relation["object_sentences"] = sentences;
            File.WriteAllText(file, relation.ToJsonString());
        }
        return folder;
    }

    [Fact]
    public void ShardsRunAsProcessesMergeIntoTheUnshardedRunByteForByte()
    {
        using var temp = new TempDirectory();
        // Object sentences, so that Table 2 is sharded too.
        string relations = WithObjectSentences(KillAnywhereTests.SmallRelations(temp["relations"]));
        // Four layers so that the expertise stage has a layer for each of three shards, and one left over.
        string model = MicroModel.WriteWithTokenizer(temp["model"], KillAnywhereTests.RelationTexts(relations), layers: 4);
        // Outputs name their run folder (record.json, expertise.json): both runs use the same path, the reference moved aside.
        string work = temp["out"], reference = temp["reference"];
        // App E's corpus, in four files, so that its count is sharded by files too: the relation files' own text.
        string corpus = temp["corpus"];
        Directory.CreateDirectory(corpus);
        foreach (var (text, i) in KillAnywhereTests.RelationTexts(relations).Select((t, i) => (t, i))) File.WriteAllText(Path.Combine(corpus, $"doc{i}.txt"), text);
        string[] args = [.. KillAnywhereTests.RunArgs(model, relations, work), "--corpus", corpus];

        Succeeds(Relneurons(args), "unsharded run");
        Assert.Contains("\"documents\": 4", File.ReadAllText(Path.Combine(work, "frequency.json")));
        Assert.DoesNotContain("\"skipped\": \"", File.ReadAllText(Path.Combine(work, "perplexity.json")));
        Directory.Move(work, reference);

        const int N = 3;
        Succeeds(Relneurons([.. args, "--stage", "prompts"]), "prompts");
        var seconds = new List<string>();
        seconds.Add($"validation {Shards(args, "validation", N):F1} s");
        Succeeds(Relneurons(["merge", "validation", .. args[1..].Select(a => a == "--out" ? "--run" : a)]), "merge validation");

        // One record shard killed (SIGKILL) after its first chunk, then run again: it resumes at its next chunk.
        var killed = Relneurons([.. args, "--stage", "record", "--shard", $"1/{N}"], new Regex(@"^  record \d+ %.*[1-9]\d*/", RegexOptions.Compiled));
        Assert.True(killed.Killed, $"the record shard was not killed:\n{killed.Output}");
        seconds.Add($"record {Shards(args, "record", N):F1} s");

        // A merge with a shard missing is refused and names it.
        string shardManifest = Path.Combine(work, "shards", "record", $"shard-2-of-{N}.json");
        string aside = shardManifest + ".aside";
        File.Move(shardManifest, aside);
        var missing = Relneurons(["merge", "record", .. args[1..].Select(a => a == "--out" ? "--run" : a)]);
        Assert.True(missing.Code == 2 && missing.Output.Contains($"shard 2/{N} missing"), missing.Output);
        // One made with other settings (another digest) is refused and named too.
        File.WriteAllText(shardManifest, Regex.Replace(File.ReadAllText(aside), @"""settings"": ""[0-9a-f]{4}", @"""settings"": ""0000"));
        var other = Relneurons(["merge", "record", .. args[1..].Select(a => a == "--out" ? "--run" : a)]);
        Assert.True(other.Code == 2 && other.Output.Contains($"shard 2/{N} was made with other settings"), other.Output);
        File.Move(aside, shardManifest, overwrite: true);

        // `run` merges a stage whose shards are all done by itself: record here, then expertise and experiments.
        Succeeds(Relneurons([.. args, "--stage", "record"]), "record merged by run --stage record");
        Assert.False(Directory.Exists(Path.Combine(work, "shards", "record")), "the record shards were not removed after the merge");
        seconds.Add($"expertise {Shards(args, "expertise", N):F1} s");
        Succeeds(Relneurons([.. args, "--stage", "expertise"]), "merge expertise");
        Succeeds(Relneurons([.. args, "--stage", "select"]), "select");
        seconds.Add($"experiments {Shards(args, "experiments", N):F1} s");
        Succeeds(Relneurons(args), "run: merges the experiments, writes the report");
        output.WriteLine($"shards of {N}: {string.Join(", ", seconds)}");

        var expected = Hashes(reference);
        var actual = Hashes(work);
        Assert.True(expected.Count > 20, $"only {expected.Count} files in the reference run");
        var differences = expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Select(k => !actual.ContainsKey(k) ? $"missing: {k}" : !expected.ContainsKey(k) ? $"extra: {k}" : $"differs: {k}").ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        output.WriteLine($"{expected.Count} files identical to the unsharded run");
    }
}
