using System.CommandLine;
using RelationNeurons.Models;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons info --model M`: the config as the engine understood it.</summary>
internal static class InfoVerb
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id", Required = true };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("info", "show a model's configuration as the engine reads it") { model, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string dir = parse.GetValue(model)!;
            var config = LlamaConfig.Load(Path.Combine(dir, "config.json"));
            if (parse.GetValue(json)) JsonOutput.Write(config);
            else Console.WriteLine(config.ToJson());
            return 0;
        }));
        return command;
    }
}
