namespace RelationNeurons.Reporting;

/// <summary>
/// The numbers the paper's text states (Liu et al. 2025, Llama-2-7B; METHOD.md §7), printed
/// beside this run's so that the comparison is at a glance. The figures' bar and heat-map values
/// are not in the text, so only Tables 2 and 4 and two overlaps are here.
/// </summary>
internal static class PaperNumbers
{
    public const string Label = "paper, Llama-2-7B";

    /// <summary>Table 2: object sentences, perplexity before and after the relation's neurons are off.</summary>
    public sealed record PerplexityRow(int Sentences, double Before, double After);

    /// <summary>Table 4: shares (fractions) of flipped prompts that repeat the prompt, answer "The", answer "A.", and how many flipped.</summary>
    public sealed record ErrorTypeRow(double Repeats, double The, double A, int Flipped);

    /// <summary>Shared neurons of two relations' 3,000 (§4.1).</summary>
    public sealed record Overlap(string First, string Second, int Shared, int SetSize);

    public static readonly IReadOnlyDictionary<string, PerplexityRow> Table2 = new Dictionary<string, PerplexityRow>(StringComparer.Ordinal)
    {
        ["company_ceo"] = new(50, 102.32, 110.71),
        ["company_hq"] = new(50, 63.97, 61.27),
        ["landmark_continent"] = new(4, 90.19, 73.82),
        ["landmark_country"] = new(50, 58.57, 51.12),
        ["person_father"] = new(50, 90.14, 83.54),
        ["person_mother"] = new(50, 141.31, 146.99),
        ["person_occupation"] = new(19, 62.71, 84.31),
        ["person_plays_instrument"] = new(5, 69.97, 63.91),
        ["person_pro_sport"] = new(5, 34.42, 45.54),
        ["person_sport_position"] = new(8, 87.67, 95.18),
        ["product_company"] = new(23, 100.65, 95.37),
        ["star_constellation"] = new(26, 47.12, 57.48),
    };

    public static readonly IReadOnlyDictionary<string, ErrorTypeRow> Table4 = new Dictionary<string, ErrorTypeRow>(StringComparer.Ordinal)
    {
        ["company_ceo"] = new(0.478, 0.087, 0.348, 23),
        ["company_hq"] = new(0.462, 0.462, 0, 26),
        ["landmark_continent"] = new(0.176, 0.059, 0, 17),
        ["landmark_country"] = new(0.693, 0, 0, 13),
        ["person_father"] = new(0.842, 0.053, 0, 19),
        ["person_mother"] = new(0.70, 0.20, 0, 10),
        ["person_occupation"] = new(0.933, 0, 0, 15),
        ["person_plays_instrument"] = new(0.516, 0.29, 0, 31),
        ["person_pro_sport"] = new(0.25, 0.15, 0, 20),
        ["person_sport_position"] = new(0.186, 0.116, 0.442, 43),
        ["product_company"] = new(0.701, 0.118, 0, 17),
        ["star_constellation"] = new(0.886, 0.057, 0, 35),
    };

    public static readonly IReadOnlyList<Overlap> Overlaps =
    [
        new("person_father", "person_mother", 2053, 3000),
        new("person_occupation", "person_sport_position", 297, 3000),
    ];

    /// <summary>The column label of this run's numbers: the model's folder name (the summary holds its full path or Hub id).</summary>
    public static string ThisRun(string? model) =>
        $"this run, {(model is null ? "this model" : Path.GetFileName(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } name ? name : model)}";
}
