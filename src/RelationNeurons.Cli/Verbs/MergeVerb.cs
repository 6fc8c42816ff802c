using System.CommandLine;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons merge STAGE --run RUN [the run's options]`: writes a sharded stage's files from its
/// finished shards, byte for byte what the unsharded stage writes, and records the stage in
/// run.json. Refuses, naming them, shards that are missing or were made with other settings.
/// (`run` merges by itself when it reaches a stage whose shards are all done.)
/// </summary>
internal static class MergeVerb
{
    public static Command Create()
    {
        var stage = new Argument<string>("stage") { Description = "the sharded stage: validation, record, expertise or experiments" };
        var args = new RunArguments("--run");
        var command = new Command("merge", "join a sharded stage's shards into the files one process writes (docs/scale-out.md)") { stage };
        foreach (var o in args.All) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
            RunVerb.Execute(args.Options(parse) with { Stage = parse.GetValue(stage), MergeOnly = true }, cancel))));
        return command;
    }
}
