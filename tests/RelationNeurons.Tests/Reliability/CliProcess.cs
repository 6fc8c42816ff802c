using System.Diagnostics;

namespace RelationNeurons.Tests.Reliability;

/// <summary>The built CLI as a child process (`dotnet relneurons.dll ARGS`), its output redirected: what the reliability tests start, watch and kill.</summary>
internal static class CliProcess
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "relneurons.dll");

    public static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(info)!;
    }
}
