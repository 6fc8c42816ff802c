using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace RelationNeurons.Tests;

/// <summary>
/// The tests run in the invariant culture whatever the machine's locale (LANG), as the CLI does
/// (src/RelationNeurons.Cli/Program.cs): expected texts and numbers are written that way.
/// </summary>
internal static class InvariantCultureModule
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The test assembly is the application here; the culture must be set before any test runs.")]
    internal static void Initialize()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
