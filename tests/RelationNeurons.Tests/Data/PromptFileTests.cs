using RelationNeurons.Data;

namespace RelationNeurons.Tests.Data;

public class PromptFileTests
{
    [Fact]
    public void SplitRoundTripsThroughJsonl()
    {
        using var dir = new TempDir();
        var set = RelationReader.Load(SampleRelations.Write(dir));
        var sets = PromptSplitter.Split(set, new PromptSplitOptions { Seed = 5 });
        string outDir = dir.File("prompts");
        var (identPath, testPath) = PromptFile.WriteSets(outDir, sets);
        Assert.True(File.Exists(identPath));
        Assert.Equal(sets.Test.Count, File.ReadAllLines(testPath).Length);

        var back = PromptFile.ReadSets(outDir);
        Assert.Equal(sets.Identification.Count, back.Identification.Count);
        for (int i = 0; i < sets.Test.Count; i++)
        {
            Assert.Equal(PromptFile.ToJsonLine(sets.Test[i]), PromptFile.ToJsonLine(back.Test[i]));
            Assert.Equal(sets.Test[i].Answers, back.Test[i].Answers);
        }
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void LineIsSnakeCaseJsonWithReadableUnicode()
    {
        var p = new Prompt
        {
            Relation = "country_capital", Language = "de", FactId = "austria", TemplateIndex = 0,
            Template = "Die Hauptstadt von {} ist", Subject = "Österreich", Object = "Wien",
            Text = "Die Hauptstadt von Österreich ist", Answers = ["Wien", "Vienna"], Split = PromptSplit.Test,
        };
        Assert.Equal(
            """{"relation":"country_capital","language":"de","fact_id":"austria","template_index":0,"template":"Die Hauptstadt von {} ist","subject":"Österreich","object":"Wien","text":"Die Hauptstadt von Österreich ist","answers":["Wien","Vienna"],"split":"test"}""",
            PromptFile.ToJsonLine(p));
    }

    [Theory]
    [InlineData("{\"relation\": \"r\"", "malformed JSON")]
    [InlineData("{\"relation\":\"r\",\"language\":\"en\",\"fact_id\":\"f\",\"template\":\"{} is\",\"subject\":\"s\",\"text\":\"s is\",\"answers\":[\"a\"],\"split\":\"test\"}", "template_index")]
    [InlineData("{\"relation\":\"r\",\"language\":\"en\",\"fact_id\":\"f\",\"template_index\":0,\"template\":\"{} is\",\"subject\":\"s\",\"text\":\"s is\",\"answers\":[],\"split\":\"test\"}", "'answers'")]
    [InlineData("{\"relation\":\"r\",\"language\":\"en\",\"fact_id\":\"f\",\"template_index\":0,\"template\":\"{} is\",\"subject\":\"s\",\"text\":\"s is\",\"answers\":[\"a\"],\"split\":\"train\"}", "split 'train'")]
    public void BadLinesNameFileAndLine(string line, string expected)
    {
        using var dir = new TempDir();
        string path = dir.Write("test.jsonl", "\n" + line + "\n");
        var e = Assert.Throws<UserInputException>(() => PromptFile.Read(path));
        Assert.Contains($"{path}:2", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingFileIsAUserError()
    {
        using var dir = new TempDir();
        Assert.Contains("not found", Assert.Throws<UserInputException>(() => PromptFile.ReadSets(dir.Path)).Message);
    }
}
