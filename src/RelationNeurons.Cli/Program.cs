using System.CommandLine;
using RelationNeurons.Cli;

// Each verb lives in its own file under Verbs/ and contributes one Command here.
var root = new RootCommand("relneurons: find and test relation-specific neurons in Llama-family models");
foreach (var verb in VerbRegistry.All())
    root.Subcommands.Add(verb);
return CliErrors.Guard(() => root.Parse(args).Invoke());
