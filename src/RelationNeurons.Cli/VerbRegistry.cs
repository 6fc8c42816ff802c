using System.CommandLine;
using System.Reflection;

namespace RelationNeurons.Cli;

/// <summary>
/// Finds the verbs: every class in <c>RelationNeurons.Cli.Verbs</c> with a static <c>Create()</c>
/// returning a <see cref="Command"/>. Adding a verb is adding its file; no list to edit (and no
/// merge conflicts between parallel work on different verbs).
/// </summary>
internal static class VerbRegistry
{
    /// <summary>The order `--help` shows the verbs in: the pipeline first, then inspection tools.</summary>
    private static readonly string[] HelpOrder =
    [
        "run", "merge", "relations", "prompts", "record", "expertise", "select", "evaluate", "experiment", "report",
        "perplexity", "train", "info", "tokenize", "forward", "generate",
    ];

    public static IEnumerable<Command> All()
    {
        var commands = typeof(VerbRegistry).Assembly.GetTypes()
            .Where(t => t.Namespace == "RelationNeurons.Cli.Verbs" && t.IsClass && t.IsAbstract && t.IsSealed)
            .Select(t => t.GetMethod("Create", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, Type.EmptyTypes))
            .Where(m => m is not null && m.ReturnType == typeof(Command))
            .Select(m => (Command)m!.Invoke(null, null)!)
            .ToList();
        return commands.OrderBy(c => Array.IndexOf(HelpOrder, c.Name) is var i && i >= 0 ? i : HelpOrder.Length)
            .ThenBy(c => c.Name, StringComparer.Ordinal);
    }
}
