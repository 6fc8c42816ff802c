using System.CommandLine;
using System.Globalization;
using RelationNeurons.Cli;

// Formatting and parsing must not follow the machine's locale (LANG=de_DE would print "0,5" and
// read "0.5" as 5): the process uses ICU for Unicode normalisation, but the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// Each verb lives in its own file under Verbs/ and contributes one Command here.
var root = new RootCommand("relneurons: find and test relation-specific neurons in Llama-family models");
foreach (var verb in VerbRegistry.All())
    root.Subcommands.Add(verb);
return CliErrors.Guard(() => root.Parse(args).Invoke());
