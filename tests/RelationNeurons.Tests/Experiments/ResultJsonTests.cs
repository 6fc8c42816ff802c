using System.Text.Json;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;

namespace RelationNeurons.Tests.Experiments;

public class ResultJsonTests : IDisposable
{
    
    private readonly string _dir = Directory.CreateTempSubdirectory("relneurons-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private T RoundTrip<T>(T value, string name) where T : class, IVersionedResult
    {
        string path = Path.Combine(_dir, name);
        ResultJson.Save(path, value);
        var back = ResultJson.Load<T>(path);
        // Records holding lists compare by reference, so compare the canonical serialisation.
        Assert.Equal(ResultJson.Serialize(value), ResultJson.Serialize(back));
        return back;
    }

    [Fact]
    public void EveryResultTypeRoundTrips()
    {
        var r = SyntheticRun.Shared;
        var clean = RoundTrip(r.Clean, RunFiles.EvaluationFileName(r.Clean.Condition));
        Assert.Equal(r.Clean.Outcomes[5], clean.Outcomes[5]);
        var intra = RoundTrip(r.Intra, RunFiles.Intra);
        Assert.Equal(r.Intra.Entries[2].AllFacts.DropVsRandom, intra.Entries[2].AllFacts.DropVsRandom);
        var inter = RoundTrip(r.Inter, RunFiles.Inter);
        Assert.Equal(r.Inter.Matrices[0].AccuracyChange[1][2], inter.Matrices[0].AccuracyChange[1][2]);
        RoundTrip(r.Cumulativity, RunFiles.Cumulativity);
        RoundTrip(r.Overlap, RunFiles.Overlap);
        RoundTrip(r.CrossLingual, RunFiles.CrossLingual);
        var summary = RoundTrip(r.Summary, RunFiles.Summary);
        Assert.Equal(64, summary.Model.Config!.Value.GetProperty("hidden_size").GetInt32());
    }

    [Fact]
    public void FilesUseSnakeCaseAndCarryTheSchemaVersion()
    {
        string path = Path.Combine(_dir, RunFiles.Intra);
        ResultJson.Save(path, SyntheticRun.Shared.Intra);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        var entry = root.GetProperty("entries")[0];
        Assert.True(entry.GetProperty("all_facts").GetProperty("drop_vs_random").TryGetProperty("ci_low", out _));
        Assert.True(entry.GetProperty("facts_correct_before").TryGetProperty("accuracy_random_mean", out _));
        Assert.Equal(JsonValueKind.Array, entry.GetProperty("random_seeds").ValueKind);
    }

    [Fact]
    public void BadFilesAreUserErrorsNamingTheFile()
    {
        string missing = Path.Combine(_dir, "nope.json");
        Assert.Contains("nope.json", Assert.Throws<UserInputException>(() => ResultJson.Load<InterRelationResult>(missing)).Message);

        string broken = Path.Combine(_dir, "broken.json");
        File.WriteAllText(broken, "{\"matrices\": [");
        Assert.Contains("broken.json", Assert.Throws<UserInputException>(() => ResultJson.Load<InterRelationResult>(broken)).Message);

        string incomplete = Path.Combine(_dir, "incomplete.json");
        File.WriteAllText(incomplete, "{\"schema_version\": 1}");
        Assert.Throws<UserInputException>(() => ResultJson.Load<InterRelationResult>(incomplete));

        string future = Path.Combine(_dir, "future.json");
        File.WriteAllText(future, "{\"schema_version\": 99, \"matrices\": []}");
        Assert.Contains("newer", Assert.Throws<UserInputException>(() => ResultJson.Load<InterRelationResult>(future)).Message);
    }

    [Fact]
    public void EvaluationFileNamesAreSafe()
    {
        Assert.Equal("deactivate_country_capital_top.json", RunFiles.EvaluationFileName(ConditionLabel.Deactivate("country_capital")));
        Assert.Equal("random_a@de_seed3.json", RunFiles.EvaluationFileName(ConditionLabel.Random(ConditionLabel.InLanguage("a", "de"), 3)));
    }
}
