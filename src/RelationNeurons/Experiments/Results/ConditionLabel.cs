using System.Globalization;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// The labels that name an evaluation condition, so every stage spells them the same way:
/// <c>clean</c>, <c>deactivate:{relation}/{set}</c>, <c>random:{relation}/seed{n}</c>. A language
/// suffix <c>@{lang}</c> on the relation names neurons found in that language.
/// </summary>
public static class ConditionLabel
{
    public const string Clean = "clean";

    public static string Deactivate(string relation, string set = "top") => $"deactivate:{relation}/{set}";

    public static string Random(string relation, long seed) =>
        $"random:{relation}/seed{seed.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A relation's neuron set found in a given language, for cross-lingual conditions.</summary>
    public static string InLanguage(string relation, string language) => $"{relation}@{language}";
}
