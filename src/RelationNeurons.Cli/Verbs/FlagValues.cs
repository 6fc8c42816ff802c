using System.CommandLine;
using System.Globalization;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// The values of a verb's flags: the command line's, except for the flags in <see cref="Supplied"/>,
/// which were not given there and take the text kept for them instead (the options a run folder's
/// run.json recorded, <see cref="ExperimentArguments.FromRun"/>) exactly as if it had been typed.
/// </summary>
internal sealed class FlagValues(ParseResult parse, IReadOnlyDictionary<Option, string>? supplied = null)
{
    public ParseResult Parse => parse;

    /// <summary>The command line's values alone: what every verb without a run folder to read passes.</summary>
    public static implicit operator FlagValues(ParseResult parse) => new(parse);

    /// <summary>Flags not given on the command line, with the text each takes instead.</summary>
    public IReadOnlyDictionary<Option, string> Supplied { get; } = supplied ?? new Dictionary<Option, string>();

    public T? Get<T>(Option<T> option) =>
        Supplied.TryGetValue(option, out string? text)
            ? (T)Convert.ChangeType(text, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture)
            : parse.GetValue(option);

    /// <summary>Whether <paramref name="option"/> was given on the command line (a default value is not).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}
