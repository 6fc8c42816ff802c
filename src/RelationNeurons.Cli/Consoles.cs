using Spectre.Console;

namespace RelationNeurons.Cli;

/// <summary>
/// Spectre consoles bound to the current stdout/stderr. When output is redirected (a file, a pipe,
/// CI logs) Spectre would assume 80 columns and wrap every table cell; a log has no width limit,
/// so redirected output gets a wide one.
/// </summary>
internal static class Consoles
{
    private const int RedirectedWidth = 160;

    public static IAnsiConsole Stdout() => Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Stderr() => Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
