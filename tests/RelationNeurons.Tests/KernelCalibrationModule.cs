using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RelationNeurons.Tests;

/// <summary>
/// Tests are deterministic and fast: the CLI processes they start keep the fixed kernel plan
/// (no calibration, no cache file) unless a test asks otherwise. In this process calibration is
/// off anyway (the library's default); <c>KernelCalibrationTests</c> turns it on for itself.
/// </summary>
internal static class KernelCalibrationModule
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must hold before any test starts a CLI process.")]
    internal static void Initialize() =>
        Environment.SetEnvironmentVariable(RelationNeurons.Inference.Kernels.KernelCalibration.EnvironmentVariable, "off");
}
