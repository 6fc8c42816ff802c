using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RelationNeurons.Analysis;
using RelationNeurons.Inference;
using RelationNeurons.Inference.Kernels;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// The same computation with one worker thread and with two gives byte-identical outputs: forward
/// logits, greedy generations, record files and expertise files. The model is large enough that
/// the matrix kernels do split their work (products above 2^18 multiply-adds), and the token
/// budget is small enough that prompts are packed into several steps.
/// </summary>
[Collection(EnvironmentVariables.Name)]
public sealed class DeterminismTests(ITestOutputHelper output)
{
    private static readonly int[][] Prompts = MakePrompts();

    private static int[][] MakePrompts()
    {
        var rng = new Random(11);
        return Enumerable.Range(0, 40).Select(_ => new[] { 1 }.Concat(Enumerable.Range(0, rng.Next(3, 30)).Select(_ => rng.Next(3, 300))).ToArray()).ToArray();
    }

    private sealed record Outputs(byte[] Logits, int[][] Generated, Dictionary<string, string> RecordFiles, Dictionary<string, string> ExpertiseFiles);

    private static Outputs Compute(string modelFolder, string work, int threads)
    {
        int before = KernelOptions.MaxThreads;
        KernelOptions.MaxThreads = threads;
        try
        {
            using var model = LlamaModel.Load(modelFolder, new EngineOptions { MaxBatchTokens = 96, ParallelAttention = threads > 1 });
            var forward = model.Forward(Prompts, logits: LogitsSelection.AllPositions);
            byte[] logits = Prompts.Select((_, i) => MemoryMarshal.AsBytes(forward.Logits(i).AsSpan()).ToArray()).SelectMany(b => b).ToArray();
            var generated = model.Generate(Prompts[..8], maxNewTokens: 6, stopAtEos: false).Select(g => g.NewIds).ToArray();

            var records = Prompts.Select((p, i) => new RecordPrompt(p, new PromptLabel($"rel{i % 3}", i % 2 == 0 ? "en" : "de", $"fact{i}"))).ToList();
            string rec = Path.Combine(work, "record"), exp = Path.Combine(work, "expertise");
            Recorder.Record(model, records, rec, new RecordOptions { BatchPrompts = 7, Dtype = SafetensorsDtype.F32 });
            ExpertiseRunner.Run(rec, exp, new ExpertiseOptions { MaxThreads = threads });
            var result = new Outputs(logits, generated, Hashes(rec), Hashes(exp));
            Directory.Delete(work, recursive: true);   // the next run writes to the same paths (expertise.json names its record folder)
            return result;
        }
        finally { KernelOptions.MaxThreads = before; }
    }

    internal static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [InlineData(SafetensorsDtype.F32)]
    [InlineData(SafetensorsDtype.BF16)]
    public void OneThreadAndTwoThreadsGiveIdenticalBytes(SafetensorsDtype dtype)
    {
        using var temp = new TempDirectory();
        string modelFolder = MicroModel.Write(temp["model"], MicroModel.Config(vocab: 300, hidden: 64, ff: 176, layers: 2), dtype);
        var one = Compute(modelFolder, temp["work"], 1);
        var two = Compute(modelFolder, temp["work"], 2);

        Assert.True(one.Logits.Length > 100_000);
        Assert.True(one.Logits.AsSpan().SequenceEqual(two.Logits), "forward logits differ between 1 and 2 threads");
        Assert.Equal(one.Generated, two.Generated);
        Assert.NotEmpty(one.RecordFiles);
        Assert.Equal(one.RecordFiles, two.RecordFiles);
        Assert.NotEmpty(one.ExpertiseFiles);
        var differing = one.ExpertiseFiles.Keys.Where(k => !two.ExpertiseFiles.TryGetValue(k, out var h) || h != one.ExpertiseFiles[k]).ToList();
        Assert.True(differing.Count == 0, $"expertise files differ between 1 and 2 threads: {string.Join(", ", differing)}");
        Assert.Equal(one.ExpertiseFiles.Keys.Order(), two.ExpertiseFiles.Keys.Order());
        output.WriteLine($"{dtype}: {one.Logits.Length / 4} logits, {one.RecordFiles.Count} record files, {one.ExpertiseFiles.Count} expertise files identical with 1 and 2 threads");
    }
}
