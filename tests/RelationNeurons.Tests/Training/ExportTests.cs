using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Training;
using RelationNeurons.Randomness;

namespace RelationNeurons.Tests.Training;

/// <summary>The trainer's model and the engine's model are the same function: a saved model's engine logits equal the trainer's.</summary>
public class ExportTests
{
    private static LlamaConfig Config(bool tied) => new()
    {
        HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = 50, MaxPositionEmbeddings = 32, RmsNormEps = 1e-5, TieWordEmbeddings = tied,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EngineLogitsEqualTrainerLogitsForTheSavedModel(bool tied)
    {
        string dir = Path.Combine(Path.GetTempPath(), "rn-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = Config(tied);
            var model = new TrainableLlama<float>(config, 32);
            // larger than training's initial scale, so that every layer matters for the logits
            model.Parameters.Initialize(new SplitMix64(11), std: 0.15);
            var rng = new SplitMix64(12);
            foreach (var p in model.Parameters.All.Where(p => p.Kind == ParameterKind.Norm))
                for (int i = 0; i < p.Length; i++) p.Value[i] = (float)(1 + 0.2 * rng.NextGaussian());
            ModelExporter.Save(dir, model.Parameters, SafetensorsDtype.F32);

            int[][] prompts = [[1, 5, 9, 13, 2, 44, 7], [1, 30], [1, 49, 0, 3, 3, 3, 8, 21, 17, 6, 11]];
            var trainerAct = model.Forward(new TokenBatch(prompts.Select(TrainingSequence.Uniform).ToList()));
            var trainerLogits = trainerAct.Logits2D.ToArray();

            using var engine = LlamaModel.Load(dir);
            var result = engine.Forward(prompts, logits: LogitsSelection.AllPositions);
            int row = 0;
            for (int s = 0; s < prompts.Length; s++)
            {
                var e = result.Logits(s);
                Assert.Equal(prompts[s].Length * config.VocabSize, e.Length);
                for (int i = 0; i < e.Length; i++)
                    Assert.True(Math.Abs(e[i] - trainerLogits[row * config.VocabSize + i]) <= 1e-4,
                        $"prompt {s} value {i}: engine {e[i]} trainer {trainerLogits[row * config.VocabSize + i]}");
                row += prompts[s].Length;
            }
            Assert.True(trainerLogits.Select(Math.Abs).Max() > 0.1f, "logits too small to make the comparison meaningful");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Bf16ExportIsTheRoundedModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rn-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = Config(false);
            var model = new TrainableLlama<float>(config, 32);
            model.Parameters.Initialize(new SplitMix64(13), std: 0.15);
            ModelExporter.Save(dir, model.Parameters, SafetensorsDtype.BF16);
            Assert.Contains("\"torch_dtype\": \"bfloat16\"", File.ReadAllText(Path.Combine(dir, "config.json")));
            foreach (var p in model.Parameters.All)
                for (int i = 0; i < p.Length; i++) p.Value[i] = BFloat16.ToSingle(BFloat16.FromSingle(p.Value[i]));
            int[] prompt = [1, 4, 9, 16, 25, 36];
            var expected = model.Forward(new TokenBatch([TrainingSequence.Uniform(prompt)])).Logits2D.ToArray();
            using var engine = LlamaModel.Load(dir);
            var actual = engine.Forward([prompt], logits: LogitsSelection.AllPositions).Logits(0);
            for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4, $"value {i}: {actual[i]} vs {expected[i]}");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
