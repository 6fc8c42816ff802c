using System.CommandLine;
using RelationNeurons.Cli.Verbs;

namespace RelationNeurons.Cli;

/// <summary>The list of verbs, in the order `--help` shows them.</summary>
internal static class VerbRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return InfoVerb.Create();
        yield return ForwardVerb.Create();
        yield return GenerateVerb.Create();
        yield return RelationsVerb.Create();
        yield return PromptsVerb.Create();
        yield return RecordVerb.Create();
        yield return ExpertiseVerb.Create();
        yield return SelectVerb.Create();
        yield return ReportVerb.Create();
    }
}
