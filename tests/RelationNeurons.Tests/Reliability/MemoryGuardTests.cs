using RelationNeurons.Analysis;
using RelationNeurons.Inference;
using RelationNeurons.Models;
using RelationNeurons.Tests.Analysis;

namespace RelationNeurons.Tests.Reliability;

/// <summary>The memory guard refuses with numbers and a remedy, reads meminfo and cgroup files, and is wired into load and record.</summary>
[Collection(EnvironmentVariables.Name)]
public sealed class MemoryGuardTests
{
    private static readonly LlamaConfig Llama7B = new()
    {
        HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 32, NumAttentionHeads = 32, NumKeyValueHeads = 32, VocabSize = 32000,
        MaxPositionEmbeddings = 4096,
    };

    [Fact]
    public void RecordEstimateCountsBuffersAndAccumulators()
    {
        var e = MemoryEstimate.ForRecord(Llama7B, 13L << 30, new EngineOptions { MaxBatchTokens = 2048 }, batchPrompts: 16, unitsPerPrompt: 32L * (4 * 4096 + 3 * 11008), maxPromptTokens: 20);
        // 16 prompts x 20 tokens = 320 rows of 3h + 2q + 2kv + 2f floats.
        long rows = 320L * (3 * 4096 + 2 * 4096 + 2 * 4096 + 2 * 11008) * 4;
        long scores = 16L * 32 * 20 * 4;
        Assert.Equal(rows + scores, e.ActivationBytes);
        Assert.Equal(2L * 16 * 32 * (4 * 4096 + 3 * 11008) * 4, e.AccumulatorBytes);
        Assert.False(e.WeightsMustBeResident);
        Assert.Equal(e.ActivationBytes + e.AccumulatorBytes + e.KernelScratchBytes + e.OtherBytes, e.RequiredBytes);
    }

    [Fact]
    public void KernelBuffersAreCountedPerThreadAndForBf16TheRoundedInputs()
    {
        // k = d_ff = 11008: each thread's packed W panel and the packed x (2048 rows x 11008 lanes); bf16 adds x rounded (tokens x k).
        int threads = RelationNeurons.Inference.Kernels.KernelOptions.MaxThreads;
        long f32 = MemoryEstimate.KernelScratch(Llama7B, 2048, new EngineOptions());
        Assert.Equal(threads * 128L * 11008 * 4 + 2048L * 11008 * 4, f32);
        Assert.Equal(threads * 128L * 11008 * 4 + 2056L * 11008 * 4, MemoryEstimate.KernelScratch(Llama7B, 2049, new EngineOptions()));
        long bf16 = MemoryEstimate.KernelScratch(Llama7B, 2048, new EngineOptions { Compute = ComputePrecision.Bf16 });
        Assert.Equal(f32 + 2048L * 11008 * 4, bf16);
        var e = MemoryEstimate.ForForward(Llama7B, 13L << 30, new EngineOptions { MaxBatchTokens = 2048, Compute = ComputePrecision.Bf16 });
        Assert.Equal(bf16, e.KernelScratchBytes);
        Assert.Contains("kernel buffers", e.Breakdown());
    }

    [Fact]
    public void Bf16ComputeOnTheEmittedTilesCountsItsPackedWeightCopy()
    {
        // Llama-2-7B: 32 layers of 4 × 4096² + 3 × 4096 × 11008 parameters, 2 bytes each (+64 bytes of alignment per matrix), and the head 32000 × 4096.
        var options = new EngineOptions { Compute = ComputePrecision.Bf16, Bf16Kernel = RelationNeurons.Inference.Kernels.Bf16Kernel.Emitted };
        long layer = 4 * (4096L * 4096 * 2 + 64) + 3 * (4096L * 11008 * 2 + 64);
        Assert.Equal(32 * layer + 32000L * 4096 * 2 + 64, MemoryEstimate.PackedWeights(Llama7B, options, 32, head: true));
        var forward = MemoryEstimate.ForForward(Llama7B, 13L << 30, options);
        Assert.Equal(32 * layer + 32000L * 4096 * 2 + 64, forward.PackedWeightBytes);
        Assert.Contains("packed weight copy", forward.Breakdown());
        Assert.Equal(layer, MemoryEstimate.ForRecord(Llama7B, 13L << 30, options, 16, 1000, 64, packedLayers: 1).PackedWeightBytes);
        // Float32, and the widening fallback (BF16 weights read where they are mapped): no copy.
        Assert.Equal(0, MemoryEstimate.ForForward(Llama7B, 13L << 30, new EngineOptions()).PackedWeightBytes);
        Assert.Equal(0, MemoryEstimate.PackedWeights(Llama7B, options with { Bf16Kernel = RelationNeurons.Inference.Kernels.Bf16Kernel.Widening }, 32, head: true));
    }

    [Fact]
    public void Bf16WeightsArePackedOnceOnlyWhenTheCopyFits()
    {
        var options = new EngineOptions { Compute = ComputePrecision.Bf16, Bf16Kernel = RelationNeurons.Inference.Kernels.Bf16Kernel.Emitted };
        var withCopy = MemoryEstimate.ForForward(Llama7B, 13L << 30, options);
        Assert.True(withCopy.PackedWeightBytes > 12L << 30);
        // Room for the copy, or nothing known: packed once.
        Assert.True(MemoryGuard.WithWeightPacking(options, withCopy, new AvailableMemory(withCopy.RequiredBytes, "test")).PackWeights);
        Assert.True(MemoryGuard.WithWeightPacking(options, withCopy, null).PackWeights);
        // No room: per-product packing, and then the estimate holds no copy and fits.
        var tight = new AvailableMemory(withCopy.RequiredBytes - 1, "test");
        var perProduct = MemoryGuard.WithWeightPacking(options, withCopy, tight);
        Assert.False(perProduct.PackWeights);
        var without = MemoryEstimate.ForForward(Llama7B, 13L << 30, perProduct);
        Assert.Equal(0, without.PackedWeightBytes);
        Assert.Null(Record.Exception(() => MemoryGuard.Check(without, "test", tight)));
        // Float32: nothing to decide.
        var f32 = new EngineOptions();
        Assert.Same(f32, MemoryGuard.WithWeightPacking(f32, MemoryEstimate.ForForward(Llama7B, 13L << 30, f32), new AvailableMemory(1, "test")));
    }

    [Fact]
    public void RefusesWithNumbersAndRemedy()
    {
        var e = MemoryEstimate.ForRecord(Llama7B, 13L << 30, new EngineOptions(), batchPrompts: 4096, unitsPerPrompt: 32L * (4 * 4096 + 3 * 11008), maxPromptTokens: 20);
        var ex = Assert.Throws<UserInputException>(() => MemoryGuard.Check(e, "record", new AvailableMemory(8L << 30, "test figure")));
        Assert.Contains("record: needs about", ex.Message);
        Assert.Contains("8.0 GiB is available (test figure)", ex.Message);
        Assert.Contains("accumulators", ex.Message);
        Assert.Contains("--batch", ex.Message);
        Assert.Contains("--units mlp", ex.Message);
        // The same stage with a small batch fits, but the 13 GiB of weights do not: a warning, not a refusal.
        var small = MemoryEstimate.ForRecord(Llama7B, 13L << 30, new EngineOptions(), batchPrompts: 16, unitsPerPrompt: 32L * (4 * 4096 + 3 * 11008), maxPromptTokens: 20);
        string? warning = MemoryGuard.Check(small, "record", new AvailableMemory(8L << 30, "test figure"));
        Assert.NotNull(warning);
        Assert.Contains("re-read from disk", warning);
        Assert.Null(MemoryGuard.Check(small, "record", new AvailableMemory(64L << 30, "test figure")));
        Assert.Null(MemoryGuard.Check(e, "record", null));   // nothing known: no guess
        // Weights that must be resident count as required.
        Assert.Throws<UserInputException>(() => MemoryGuard.Check(small with { WeightsMustBeResident = true }, "record", new AvailableMemory(8L << 30, "test figure")));
    }

    [Fact]
    public void ParsesMemInfoCgroupsAndSizes()
    {
        Assert.Equal(21016636L * 1024, MemoryGuard.ParseMemAvailable("MemTotal:       32000000 kB\nMemFree:  100 kB\nMemAvailable:   21016636 kB\n"));
        Assert.Null(MemoryGuard.ParseMemAvailable("MemTotal: 1 kB\n"));
        Assert.Equal(4L << 30, MemoryGuard.CgroupV2Room("8589934592\n", "5368709120\n", "anon 1\ninactive_file 1073741824\nactive_file 5\n"));
        Assert.Null(MemoryGuard.CgroupV2Room("max\n", "5368709120\n", null));
        Assert.Null(MemoryGuard.CgroupV1Room("9223372036854771712\n", "100\n", null));
        Assert.Equal(900L, MemoryGuard.CgroupV1Room("1000\n", "200\n", "total_inactive_file 100\n"));
        Assert.Equal(512L << 20, MemoryGuard.ParseSize("512M"));
        Assert.Equal((long)(1.5 * (1L << 30)), MemoryGuard.ParseSize("1.5GiB"));
        Assert.Equal(123L, MemoryGuard.ParseSize("123"));
        Assert.Null(MemoryGuard.ParseSize("lots"));
        // On this machine something is known and positive.
        if (OperatingSystem.IsLinux()) Assert.True(MemoryGuard.Available() is { Bytes: > 0 });
    }

    [Fact]
    public void LoadAndRecordAreGuarded()
    {
        using var temp = new TempDirectory();
        MicroModel.Write(temp.Path);
        using (EnvironmentVariables.Set(MemoryGuard.OverrideVariable, "64K"))
        {
            var ex = Assert.Throws<UserInputException>(() => LlamaModel.Load(temp.Path).Dispose());
            Assert.Contains("loading", ex.Message);
            Assert.Contains("--batch-tokens", ex.Message);
        }
        using var model = LlamaModel.Load(temp.Path);
        var prompts = Enumerable.Range(0, 2000).Select(i => new RecordPrompt([1, 2 + i % 40, 3, 4], new PromptLabel($"r{i % 2}", "en", $"f{i}"))).ToList();
        // Enough for loading (about 2.3 MB here) but not for 2,000 prompts' accumulators in one chunk.
        using (EnvironmentVariables.Set(MemoryGuard.OverrideVariable, "4M"))
        {
            var ex = Assert.Throws<UserInputException>(() => Recorder.Record(model, prompts, temp["rec"], new RecordOptions { BatchPrompts = 2000 }));
            Assert.StartsWith("record: needs about", ex.Message);
            Assert.False(Directory.Exists(temp["rec"]) && Directory.EnumerateFiles(temp["rec"], "*", SearchOption.AllDirectories).Any(), "refused before writing anything");
            Recorder.Record(model, prompts, temp["rec"], new RecordOptions { BatchPrompts = 64 });
        }
    }
}

/// <summary>Tests that change process-wide settings (environment variables, KernelOptions) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariables
{
    public const string Name = "process-wide settings (environment variables, kernel thread count)";

    public static IDisposable Set(string name, string? value)
    {
        string? before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return new Restore(() => Environment.SetEnvironmentVariable(name, before));
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
