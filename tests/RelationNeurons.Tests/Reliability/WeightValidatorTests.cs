using System.Runtime.InteropServices;
using CsCheck;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Analysis;

namespace RelationNeurons.Tests.Reliability;

/// <summary>NaN and infinity in weights are found (vector scan = scalar loop) and reported with the tensor's name.</summary>
public sealed class WeightValidatorTests
{
    [Fact]
    public void VectorScanMatchesScalarLoopForEveryDtype()
    {
        ushort[] specials16 = [0x7C00, 0xFC00, 0x7E00, 0x7C01, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x7BFF, 0x7F7F];
        uint[] specials32 = [0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0x7F7FFFFF, 0x00000001];
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 300], Gen.Int[0, 3].Array[0, 3], Gen.Int[0, 300].Array[0, 3], Gen.Int)
            .Sample((d, length, kinds, positions, seed) =>
            {
                var dtype = d switch { 0 => SafetensorsDtype.F32, 1 => SafetensorsDtype.F16, _ => SafetensorsDtype.BF16 };
                int size = SafetensorsFile.ElementSize(dtype);
                var bytes = new byte[length * size];
                var rng = new Random(seed);
                // Finite random values, then a few planted specials (some finite look-alikes such as 0x7BFF).
                for (int i = 0; i < length; i++)
                {
                    float v = (float)(rng.NextDouble() * 200 - 100);
                    if (dtype == SafetensorsDtype.F32) MemoryMarshal.Write(bytes.AsSpan(i * 4), v);
                    else if (dtype == SafetensorsDtype.F16) MemoryMarshal.Write(bytes.AsSpan(i * 2), (Half)v);
                    else MemoryMarshal.Write(bytes.AsSpan(i * 2), BFloat16.FromSingle(v));
                }
                for (int k = 0; k < Math.Min(kinds.Length, positions.Length) && length > 0; k++)
                {
                    int at = positions[k] % length;
                    if (dtype == SafetensorsDtype.F32) MemoryMarshal.Write(bytes.AsSpan(at * 4), specials32[(kinds[k] + at) % specials32.Length]);
                    else MemoryMarshal.Write(bytes.AsSpan(at * 2), specials16[(kinds[k] + at) % specials16.Length]);
                }
                Assert.Equal(WeightValidator.FindNonFiniteScalar(bytes, dtype), WeightValidator.FindNonFinite(bytes, dtype));
            }, iter: 3000, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Theory]
    [InlineData("model.layers.1.post_attention_layernorm.weight", 5, float.NaN, false, "NaN at [5]")]
    [InlineData("model.norm.weight", 31, float.NegativeInfinity, false, "-Infinity at [31]")]
    [InlineData("model.layers.0.mlp.up_proj.weight", 3 * 32 + 7, float.PositiveInfinity, true, "+Infinity at [3, 7]")]
    [InlineData("model.embed_tokens.weight", 47 * 32 + 31, float.NaN, true, "NaN at [47, 31]")]
    public void PlantedNonFiniteWeightIsReportedWithTensorName(string tensor, int index, float value, bool needsFullScan, string expected)
    {
        foreach (var dtype in new[] { SafetensorsDtype.F32, SafetensorsDtype.BF16, SafetensorsDtype.F16 })
        {
            using var temp = new TempDirectory();
            MicroModel.Write(temp.Path, dtype: dtype, alter: (name, values) => { if (name == tensor) values[index] = value; });
            var e = Assert.Throws<UserInputException>(() => LlamaModel.Load(temp.Path, new EngineOptions { CheckWeights = true }).Dispose());
            Assert.Contains($"tensor '{tensor}'", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.Contains("model.safetensors", e.Message);
            if (needsFullScan)
                LlamaModel.Load(temp.Path).Dispose();   // matrices are scanned only when asked
            else
                Assert.Throws<UserInputException>(() => LlamaModel.Load(temp.Path).Dispose());   // norms always
        }
    }

    [Fact]
    public void CleanCheckpointPassesFullScan()
    {
        using var temp = new TempDirectory();
        MicroModel.Write(temp.Path, dtype: SafetensorsDtype.BF16);
        using var model = LlamaModel.Load(temp.Path, new EngineOptions { CheckWeights = true });
        Assert.Equal(2, model.Config.NumHiddenLayers);
    }
}
