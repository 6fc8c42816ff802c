using System.CommandLine;
using System.Globalization;
using RelationNeurons.Cli;

// Formatting and parsing must not follow the machine's locale (LANG=de_DE would print "0,5" and
// read "0.5" as 5): the process uses ICU for Unicode normalisation, but the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// The float32 kernels use this machine's calibrated plan (cached; measured on the first large
// product when there is none) unless RELNEURONS_KERNEL_CALIBRATION=off; =force measures again.
RelationNeurons.Inference.Kernels.KernelCalibration.Mode =
    RelationNeurons.Inference.Kernels.KernelCalibration.ModeFromEnvironment(RelationNeurons.Inference.Kernels.CalibrationMode.Auto);

// Each verb lives in its own file under Verbs/ and contributes one Command here.
var root = new RootCommand("relneurons: find and test relation-specific neurons in Llama-family models");
foreach (var verb in VerbRegistry.All())
    root.Subcommands.Add(verb);
return CliErrors.Guard(() => root.Parse(args).Invoke());
