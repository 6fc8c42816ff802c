using System.Text;
using CsCheck;
using RelationNeurons.Data;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>Hostile relation files: each ends in a UserInputException naming the file, or in a relation that satisfies the format's rules.</summary>
public sealed class RelationHostileTests(ITestOutputHelper output)
{
    private const string Seed = "0N0XIzNsQ0O2";
    private const string Source = "hostile/relation.json";

    /// <summary>The project's format (German, with ids and answers) and an LRE file as published (no id, no language).</summary>
    internal static readonly string[] ValidFiles =
    [
        """
        {"id":"country_capital","name":"Hauptstadt","language":"de","kind":"country",
         "prompt_templates":["Die Hauptstadt von {} ist","{} hat die Hauptstadt"],
         "samples":[{"id":"austria","subject":"Österreich","object":"Wien","answers":["Wien","Vienna"]},
                    {"id":"egypt","subject":"Ägypten","object":"Kairo"},
                    {"id":"japan","subject":"Japan","object":"Tokio","answers":["Tokio","Tōkyō"]}]}
        """,
        """
        {"name":"company CEO","relation_type":"factual","domain":"company","range":"person",
         "prompt_templates":["{} is led by","The CEO of {} is"],"prompt_templates_zs":["Who leads {}?"],
         "properties":{"relation_type":"factual","domain_name":"company","range_name":"person","symmetric":false,"fn_type":"ONE_TO_ONE"},
         "samples":[{"subject":"Apple","object":"Tim Cook"},{"subject":"Apple","object":"Timothy Cook"},{"subject":"Microsoft","object":"Satya Nadella"}]}
        """,
    ];

    private static void ParseAndCheck(string json)
    {
        var r = RelationReader.Parse(json, Source);
        Assert.False(string.IsNullOrWhiteSpace(r.Id));
        Assert.NotEmpty(r.PromptTemplates);
        Assert.All(r.PromptTemplates, t => Assert.Equal(1, RelationReader.SlotCount(t)));
        Assert.NotEmpty(r.Samples);
        Assert.Equal(r.Samples.Count, r.Samples.Select(s => s.Id).Distinct().Count());
        Assert.All(r.Samples, s => Assert.True(s.Subject.Length > 0 && s.Answers.Count > 0 && s.Answers[0] == s.Object));
    }

    [Fact]
    public void RandomMutations()
    {
        var run = new HostileRun("relation file: random JSON mutations", output);
        Gen.Select(Gen.Int[0, ValidFiles.Length - 1], JsonMutator.Mutations).Sample((which, ms) =>
        {
            string json = JsonMutator.Apply(ValidFiles[which], ms);
            run.Case(() => $"file {which} with {string.Join(" ", ms)}", () => ParseAndCheck(json), Source);
        }, iter: 2000, threads: 1, seed: Seed);
        run.Report(minimumRejected: 800);
    }

    [Fact]
    public void EveryFieldWithEveryWrongValue()
    {
        var run = new HostileRun("relation file: every field x every hostile value", output);
        string[] paths = ["id", "name", "language", "kind", "prompt_templates", "samples", "properties"];
        foreach (string baseJson in ValidFiles)
        {
            foreach (string field in paths)
                foreach (string value in JsonMutator.HostileValues)
                {
                    var node = System.Text.Json.Nodes.JsonNode.Parse(baseJson)!.AsObject();
                    node[field] = "\u0001slot\u0001";
                    string json = node.ToJsonString().Replace("\"\\u0001slot\\u0001\"", value, StringComparison.Ordinal);
                    run.Case(() => $"{field} = {value[..Math.Min(80, value.Length)]}", () => ParseAndCheck(json), Source);
                }
            // Inside the first sample and the first template.
            foreach (string field in new[] { "id", "subject", "object", "answers" })
                foreach (string value in JsonMutator.HostileValues)
                {
                    var node = System.Text.Json.Nodes.JsonNode.Parse(baseJson)!.AsObject();
                    node["samples"]![0]![field] = "\u0001slot\u0001";
                    string json = node.ToJsonString().Replace("\"\\u0001slot\\u0001\"", value, StringComparison.Ordinal);
                    run.Case(() => $"samples[0].{field} = {value[..Math.Min(80, value.Length)]}", () => ParseAndCheck(json), Source);
                }
            foreach (string value in JsonMutator.HostileValues)
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(baseJson)!.AsObject();
                node["prompt_templates"]![0] = "\u0001slot\u0001";
                string json = node.ToJsonString().Replace("\"\\u0001slot\\u0001\"", value, StringComparison.Ordinal);
                run.Case(() => $"prompt_templates[0] = {value[..Math.Min(80, value.Length)]}", () => ParseAndCheck(json), Source);
            }
        }
        foreach (string value in JsonMutator.HostileValues)
            run.Case(() => $"whole file {value[..Math.Min(80, value.Length)]}", () => ParseAndCheck(value), Source, mustReject: true);
        run.Report(minimumRejected: 800);
    }

    [Fact]
    public void NonUtf8AndDeepFilesThroughLoad()
    {
        using var temp = new TempDirectory();
        var run = new HostileRun("relation file: non-UTF-8 bytes and deep nesting, through Load", output);
        byte[] valid = Encoding.UTF8.GetBytes(ValidFiles[0]);
        int n = 0;
        Gen.Select(Gen.Int[0, valid.Length], Gen.Int[0, 100]).Sample((at, variant) =>
        {
            string path = temp[$"r{n++}.json"];
            File.WriteAllBytes(path, JsonMutator.InsertInvalidUtf8(valid, at, variant));
            run.Case(() => $"invalid UTF-8 variant {variant} at byte {at}", () => RelationReader.Load(path), path, mustReject: true);
            File.Delete(path);
        }, iter: 300, threads: 1, seed: Seed);
        // "Österreich" saved as Latin-1, the most likely real-world case.
        string latin1 = temp["latin1.json"];
        File.WriteAllBytes(latin1, Encoding.Latin1.GetBytes(ValidFiles[0].Replace("Tōkyō", "Tokyo")));
        run.Case(() => "a file saved as Latin-1", () => RelationReader.Load(latin1), "latin1.json", mustReject: true);
        foreach (int depth in new[] { 63, 64, 65, 1000, 200_000 })
        {
            string path = temp[$"deep{depth}.json"];
            File.WriteAllText(path, ValidFiles[0].Insert(1, "\"x\":" + JsonMutator.Deep(depth) + ","));
            run.Case(() => $"an unused field nested {depth} deep", () => RelationReader.Load(path), path);
            File.Delete(path);
        }
        run.Report(minimumRejected: 300);
    }
}
