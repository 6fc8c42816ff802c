using System.CommandLine;
using RelationNeurons.Inference;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons info --model M`: the config as the engine understood it, size and storage.</summary>
internal static class InfoVerb
{
    /// <summary>The `info --json` document.</summary>
    internal sealed record ModelInfo(
        string Directory, IReadOnlyList<string> Files, string Architecture, IReadOnlyList<string> Features, Models.LlamaConfig Config,
        long ParameterCount, string StorageDtype, long MappedBytes, IReadOnlyList<StageMemory> Memory, string KernelPlan);

    /// <summary>What one stage needs in memory with the default options: allocated (required) and with the mapped weights resident.</summary>
    internal sealed record StageMemory(string Stage, string Assumes, long RequiredBytes, long ComfortableBytes, string Breakdown);

    /// <summary>
    /// The memory of the stages that load the model, at their default sizes: a forward pass with
    /// last-position logits, a record (no logits: a large vocabulary costs nothing there), and a
    /// greedy generation (evaluate), whose logits rows grow with the vocabulary.
    /// </summary>
    internal static IReadOnlyList<StageMemory> Stages(LlamaModel m)
    {
        var c = m.Config;
        long linearUnits = (long)c.NumHiddenLayers * (c.QueryWidth + 2L * c.KeyValueWidth + 2L * c.HiddenSize + 2L * c.IntermediateSize);
        var stages = new (string, string, MemoryEstimate)[]
        {
            ("forward", $"{m.Options.MaxBatchTokens} tokens per step, last-position logits",
                MemoryEstimate.ForForward(c, m.MappedBytes, m.Options, stored: m.ProjectionType)),
            ("record", $"16 prompts of up to 64 tokens, {linearUnits:N0} units (every linear projection), no logits",
                MemoryEstimate.ForRecord(c, m.MappedBytes, m.Options, batchPrompts: 16, unitsPerPrompt: linearUnits, maxPromptTokens: 64, stored: m.ProjectionType)),
            ("generate / evaluate", "64 prompts of 32 tokens, 8 new tokens each",
                MemoryEstimate.ForGeneration(c, m.MappedBytes, m.Options, prompts: 64, maxPromptTokens: 32, maxNewTokens: 8, stored: m.ProjectionType)),
        };
        return stages.Select(s => new StageMemory(s.Item1, s.Item2, s.Item3.RequiredBytes, s.Item3.ComfortableBytes, s.Item3.Breakdown())).ToList();
    }

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id (found in the local Hugging Face cache)", Required = true };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("info", "show a model's configuration as the engine reads it, its size and storage") { model, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            using var m = LlamaModel.Load(parse.GetValue(model)!);
            var info = new ModelInfo(m.Directory, m.FilePaths, m.Config.Architecture, m.Config.Features, m.Config,
                m.Weights.ParameterCount, m.Weights.StorageDtype, m.MappedBytes, Stages(m),
                Inference.Kernels.KernelCalibration.Describe());
            if (parse.GetValue(json))
            {
                JsonOutput.Write(info);
                return 0;
            }
            Console.WriteLine($"model:       {info.Directory}");
            Console.WriteLine($"family:      {info.Architecture}");
            Console.WriteLine($"features:    {string.Join("; ", info.Features)}");
            Console.WriteLine($"files:       {string.Join(", ", info.Files.Select(Path.GetFileName))}");
            Console.WriteLine($"parameters:  {info.ParameterCount:N0}");
            Console.WriteLine($"storage:     {info.StorageDtype}, {info.MappedBytes:N0} bytes mapped");
            Console.WriteLine($"kernels:     {info.KernelPlan}");
            Console.WriteLine($"head dim:    {m.Config.HeadDim} ({m.Config.NumAttentionHeads} query heads, {m.Config.NumKeyValueHeads} key/value heads)");
            Console.WriteLine("memory (allocated; + mapped weights to run without re-reading them):");
            foreach (var stage in info.Memory)
                Console.WriteLine($"  {stage.Stage,-20} {MemoryEstimate.Bytes(stage.RequiredBytes),10} (+ weights: {MemoryEstimate.Bytes(stage.ComfortableBytes)})  {stage.Breakdown}; {stage.Assumes}");
            Console.WriteLine("config:");
            Console.WriteLine(m.Config.ToJson());
            return 0;
        }));
        return command;
    }
}
