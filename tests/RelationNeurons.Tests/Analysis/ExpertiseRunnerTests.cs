using RelationNeurons.Analysis;
using RelationNeurons.Hooks;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Tests.Analysis;

public class ExpertiseRunnerTests
{
    internal const int Layers = 2, Prompts = 60;
    internal static readonly TapWidth[] Taps = [new(TapKind.Q, 3), new(TapKind.MlpPost, 5)];

    /// <summary>A record with random activations; returns them as [layer][tap] arrays.</summary>
    internal static float[][][] WriteRecord(string dir, PromptLabels labels, string dtype = "F32", int seed = 1)
    {
        var manifest = new RecordManifest
        {
            Units = "custom", Taps = Taps.Select(t => t.Suffix).ToList(), Widths = Taps.Select(t => t.Width).ToList(),
            Layers = Layers, Prompts = labels.Count, Dtype = dtype, Model = "synthetic",
        };
        var rng = new Random(seed);
        var writer = new RecordWriter(dir, manifest);
        var data = new float[Layers][][];
        for (int l = 0; l < Layers; l++)
        {
            data[l] = Taps.Select(t => ExpertiseScorerTests.RandomActivations(rng, labels.Count, t.Width, 9)).ToArray();
            writer.WriteLayer(l, data[l]);
        }
        writer.Finish(labels);
        return data;
    }

    internal static PromptLabels Labels(int seed = 3) =>
        ExpertiseScorerTests.RandomLabels(new Random(seed), Prompts, ["capital", "ceo", "sport"], ["en"]);

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    public void FilesHoldWhatTheInMemoryScorerGives(string dtype)
    {
        using var tmp = new TempDirectory();
        var labels = Labels();
        var data = WriteRecord(tmp["record"], labels, dtype);
        var manifest = ExpertiseRunner.Run(tmp["record"], tmp["expertise"], new ExpertiseOptions { TopCsv = 4 });
        Assert.Equal(["capital", "ceo", "sport"], manifest.Tasks.Select(t => t.Name));
        Assert.Equal(Layers * (3 + 5), manifest.TotalUnits);

        var plan = ScoringPlan.Create(labels);
        for (int t = 0; t < plan.Tasks.Count; t++)
        {
            using var file = SafetensorsFile.Open(Path.Combine(tmp["expertise"], manifest.Tasks[t].File));
            for (int k = 0; k < Taps.Length; k++)
            {
                float[] ap = file.ReadFloat32(ExpertiseManifest.ApTensor(Taps[k]));
                float[] medPos = file.ReadFloat32(ExpertiseManifest.MedianPositiveTensor(Taps[k]));
                Assert.Equal([Layers, Taps[k].Width], file.Get(ExpertiseManifest.ApTensor(Taps[k])).Shape);
                for (int l = 0; l < Layers; l++)
                {
                    // F16 records hold the rounded values: score what was stored.
                    float[] stored = dtype == "F16" ? data[l][k].Select(v => (float)(Half)v).ToArray() : data[l][k];
                    var expected = ExpertiseScorer.Score(stored, Prompts, Taps[k].Width, plan);
                    for (int i = 0; i < Taps[k].Width; i++)
                    {
                        Assert.Equal((float)expected.ApOf(t)[i], ap[l * Taps[k].Width + i]);
                        Assert.Equal(expected.MedianPositiveOf(t)[i], medPos[l * Taps[k].Width + i]);
                    }
                }
            }
        }

        string[] csv = File.ReadAllLines(Path.Combine(tmp["expertise"], manifest.Tasks[0].TopCsv!));
        Assert.Equal("rank,layer,tap,index,neuron,ap,median_pos,median_neg", csv[0]);
        Assert.Equal(5, csv.Length);
        double[] aps = csv.Skip(1).Select(line => double.Parse(line.Split(',')[5], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(aps.OrderDescending(), aps);
        Assert.Equal(aps[0], manifest.Tasks[0].BestAp, 1e-6);
        Assert.Equal(manifest.Tasks[0].BestUnit, csv[1].Split(',')[4]);
    }

    [Fact]
    public void RelationFilterAndUnknownRelation()
    {
        using var tmp = new TempDirectory();
        WriteRecord(tmp["record"], Labels());
        var manifest = ExpertiseRunner.Run(tmp["record"], tmp["out"], new ExpertiseOptions { Relations = ["ceo"] });
        Assert.Equal(["ceo"], manifest.Tasks.Select(t => t.Name));
        Assert.Equal(Prompts - manifest.Tasks[0].Positives, manifest.Tasks[0].Negatives); // negatives from every other relation
        var e = Assert.Throws<UserInputException>(() => ExpertiseRunner.Run(tmp["record"], tmp["out2"], new ExpertiseOptions { Relations = ["spouse"] }));
        Assert.Contains("unknown relation 'spouse'", e.Message);
    }

    [Fact]
    public void LabelsAndActivationsDisagreeingIsAClearError()
    {
        using var tmp = new TempDirectory();
        WriteRecord(tmp["record"], Labels());
        // Drop the last label line: the record now lists fewer prompts than its tensors hold.
        string labelsPath = Path.Combine(tmp["record"], RecordManifest.LabelsFileName);
        File.WriteAllLines(labelsPath, File.ReadAllLines(labelsPath).SkipLast(1));
        var e = Assert.Throws<UserInputException>(() => ExpertiseRunner.Run(tmp["record"], tmp["out"]));
        Assert.Contains($"{Prompts - 1} prompts", e.Message);
        Assert.False(Directory.Exists(tmp["out"]));
    }

    [Fact]
    public void MissingLayerFileIsAClearError()
    {
        using var tmp = new TempDirectory();
        WriteRecord(tmp["record"], Labels());
        File.Delete(Path.Combine(tmp["record"], RecordManifest.LayerFileName(1)));
        var e = Assert.Throws<UserInputException>(() => ExpertiseRunner.Run(tmp["record"], tmp["out"]));
        Assert.Contains("layer_001", e.Message);
    }
}
