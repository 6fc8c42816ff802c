using System.CommandLine;
using System.Diagnostics;

namespace RelationNeurons.Tests.Cli;

/// <summary>Runs `relneurons` verbs for tests: in process (fast; stdout captured) or as the real program.</summary>
internal static class CliHarness
{
    /// <summary>
    /// Invokes the given verbs in this process with stdout/stderr captured. Console redirection is
    /// process-wide, so callers belong to the non-parallel "Console" collection.
    /// </summary>
    public static (int Code, string Stdout, string Stderr) InProcess(Command[] verbs, params string[] args)
    {
        var root = new RootCommand();
        foreach (var verb in verbs) root.Subcommands.Add(verb);
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return (root.Parse(args).Invoke(), stdout.ToString(), stderr.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    /// <summary>Runs the built `relneurons.dll` as a child process (exit codes and stderr exactly as a user sees them).</summary>
    public static (int Code, string Stdout, string Stderr) Process(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "relneurons.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }
}
