using RelationNeurons.Inference;
using RelationNeurons.Models;

namespace RelationNeurons.Tests.Inference;

public sealed class RotaryEmbeddingTests
{
    private static LlamaConfig Config(RopeScaling? scaling, double theta) => new()
    {
        HiddenSize = 4096, IntermediateSize = 14336, NumHiddenLayers = 1, NumAttentionHeads = 32,
        NumKeyValueHeads = 8, VocabSize = 16, RopeTheta = theta, RopeScaling = scaling, MaxPositionEmbeddings = 64,
    };

    [Fact]
    public void Llama3ScalingMatchesTransformersFormula()
    {
        // Expected values: transformers' _compute_llama3_parameters evaluated in double precision
        // for Llama-3.1 (theta 500000, factor 8, low 1, high 4, original context 8192).
        var inv = RotaryEmbedding.InverseFrequency(Config(new RopeScaling("llama3", 8, 1, 4, 8192), 500000));
        (int Index, double Value)[] expected =
        [
            (0, 1.0), (10, 0.12868737343265052), (25, 0.005940730375674967), // high frequency: unchanged
            (30, 0.0013718935677611381),                                      // medium: smoothed
            (35, 9.556212353964683e-05), (50, 4.411534674558404e-06), (63, 3.068925988914511e-07), // low: divided by 8
        ];
        foreach (var (i, v) in expected)
            Assert.True(Math.Abs(inv[i] - v) <= 2e-6 * v, $"inv_freq[{i}] = {inv[i]}, expected {v}");
    }

    [Fact]
    public void RotationMatchesReferenceFormula()
    {
        var config = Config(null, 10000);
        var rope = new RotaryEmbedding(config);
        var rng = new Random(3);
        int d = config.HeadDim, heads = 2;
        var x = Enumerable.Range(0, heads * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        foreach (int position in new[] { 0, 1, 17, 63, 500 })
        {
            rope.EnsurePositions(position + 1);
            var y = (float[])x.Clone();
            rope.Apply(y, heads, position);
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < d / 2; i++)
                {
                    double angle = position / Math.Pow(10000, 2.0 * i / d);
                    double a = x[h * d + i], b = x[h * d + i + d / 2];
                    Assert.Equal(a * Math.Cos(angle) - b * Math.Sin(angle), y[h * d + i], 1e-4);
                    Assert.Equal(b * Math.Cos(angle) + a * Math.Sin(angle), y[h * d + i + d / 2], 1e-4);
                }
        }
    }
}
