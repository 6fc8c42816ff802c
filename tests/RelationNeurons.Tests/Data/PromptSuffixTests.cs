using RelationNeurons.Data;

namespace RelationNeurons.Tests.Data;

public class PromptSuffixTests
{
    private static IReadOnlyList<Prompt> Prompts(string json)
    {
        string dir = Path.Combine(Path.GetTempPath(), "relneurons-suffix-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "r.json"), json);
            var set = RelationReader.Load(dir);
            var split = PromptSplitter.Split(set, new PromptSplitOptions());
            return [.. split.Identification, .. split.Test];
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private const string Samples = """
        "samples": [{"subject": "NVIDIA", "object": "Jensen Huang"}, {"subject": "Apple", "object": "Tim Cook"},
                    {"subject": "Tesla", "object": "Elon Musk"}, {"subject": "Intel", "object": "Pat Gelsinger"}]
        """;

    [Fact]
    public void AnLreFileGetsThePapersAnswerSuffix()
    {
        var prompts = Prompts($$"""{"name": "company CEO", "prompt_templates": ["The CEO of {} is"], {{Samples}} }""");
        Assert.Contains(prompts, p => p.Text == "The CEO of NVIDIA is? Answer:");
        Assert.All(prompts, p => Assert.EndsWith("? Answer:", p.Text));
    }

    [Fact]
    public void AFileMaySetItsOwnSuffixOrNone()
    {
        var own = Prompts($$"""{"id": "ceo", "prompt_suffix": " Answer:", "prompt_templates": ["The CEO of {} is"], {{Samples}} }""");
        Assert.Contains(own, p => p.Text == "The CEO of NVIDIA is Answer:");
        var none = Prompts($$"""{"name": "company CEO", "prompt_suffix": "", "prompt_templates": ["The CEO of {} is"], {{Samples}} }""");
        Assert.Contains(none, p => p.Text == "The CEO of NVIDIA is");
        var project = Prompts($$"""{"id": "ceo", "prompt_templates": ["The CEO of {} is"], {{Samples}} }""");
        Assert.Contains(project, p => p.Text == "The CEO of NVIDIA is");
    }
}
