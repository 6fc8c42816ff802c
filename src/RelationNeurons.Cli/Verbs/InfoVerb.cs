using System.CommandLine;
using RelationNeurons.Inference;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons info --model M`: the config as the engine understood it, size and storage.</summary>
internal static class InfoVerb
{
    /// <summary>The `info --json` document.</summary>
    internal sealed record ModelInfo(
        string Directory, IReadOnlyList<string> Files, Models.LlamaConfig Config,
        long ParameterCount, string StorageDtype, long MappedBytes);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id (found in the local Hugging Face cache)", Required = true };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("info", "show a model's configuration as the engine reads it, its size and storage") { model, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            using var m = LlamaModel.Load(parse.GetValue(model)!);
            var info = new ModelInfo(m.Directory, m.FilePaths, m.Config, m.Weights.ParameterCount, m.Weights.StorageDtype, m.MappedBytes);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(info);
                return 0;
            }
            Console.WriteLine($"model:       {info.Directory}");
            Console.WriteLine($"files:       {string.Join(", ", info.Files.Select(Path.GetFileName))}");
            Console.WriteLine($"parameters:  {info.ParameterCount:N0}");
            Console.WriteLine($"storage:     {info.StorageDtype}, {info.MappedBytes:N0} bytes mapped");
            Console.WriteLine($"head dim:    {m.Config.HeadDim} ({m.Config.NumAttentionHeads} query heads, {m.Config.NumKeyValueHeads} key/value heads)");
            Console.WriteLine("config:");
            Console.WriteLine(m.Config.ToJson());
            return 0;
        }));
        return command;
    }
}
