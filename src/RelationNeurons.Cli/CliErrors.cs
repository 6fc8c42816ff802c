using System.Text.Json;

namespace RelationNeurons.Cli;

/// <summary>
/// Turns user errors into one line on stderr and exit code 2, as DESIGN.md requires; anything
/// else is a bug and keeps its stack trace.
/// </summary>
internal static class CliErrors
{
    public const int UserErrorExitCode = 2;

    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UserInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserErrorExitCode;
        }
        catch (JsonException e)
        {
            Console.Error.WriteLine($"error: malformed JSON: {e.Message}");
            return UserErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted; finished work is kept and the same command resumes");
            return 130;
        }
    }
}
