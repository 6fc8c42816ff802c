using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Table 4: what the model says instead, for prompts its relation's neurons flipped from right to wrong; beside the paper's shares.</summary>
internal static class ErrorTypesSection
{
    public const string Id = "errortypes";
    public const string Title = "Table 4. Error types of flipped prompts";

    public static string What(int tokens) =>
        $"The P^eva prompts the clean model answers right and gets wrong with the relation's neurons set to 0 are continued for {tokens} greedy tokens with the neurons still off, " +
        "and each continuation (trimmed) is put in the first class that applies: " +
        "repeats the prompt: it starts with the subject (at a word boundary), or its first three words (characters, for a prompt without spaces) occur in a row in the prompt without its \"? Answer:\" ending; " +
        "\"The\": its first word, trailing punctuation dropped, is exactly \"The\"; \"A.\": it starts with the two characters \"A.\"; other: anything else, an empty continuation included. " +
        "Counts with their share of the relation's flipped prompts.";

    public static ReportSection Build(ErrorTypesResult r, string? model)
    {
        if (r.Entries.Count == 0) return NotComputed.Build(Id, Title, What(r.NewTokens), r.Skipped ?? "no relation to show");
        string ours = PaperNumbers.ThisRun(model);
        string Share(int count, int all) => all == 0 ? "—" : $"{Format.Int(count)} ({Format.Percent((double)count / all)})";
        var rows = r.Entries.Select(e =>
        {
            var paper = e.Language == "en" ? PaperNumbers.Table4.GetValueOrDefault(e.Relation) : null;
            return (IReadOnlyList<string>)
            [
                e.Relation, e.Language,
                paper is null ? "—" : Format.Percent(paper.Repeats), paper is null ? "—" : Format.Percent(paper.The), paper is null ? "—" : Format.Percent(paper.A),
                paper is null ? "—" : Format.Int(paper.Flipped),
                Share(e.RepeatsPrompt, e.Flipped), Share(e.StartsWithThe, e.Flipped), Share(e.StartsWithA, e.Flipped), Share(e.Other, e.Flipped), Format.Int(e.Flipped),
            ];
        }).ToList();
        var table = new ReportTable($"Table 4. Error types ({PaperNumbers.Label} beside {ours})",
            ["relation", "lang", $"repeats prompt ({PaperNumbers.Label})", $"\"The\" ({PaperNumbers.Label})", $"\"A.\" ({PaperNumbers.Label})", $"flipped ({PaperNumbers.Label})",
             $"repeats prompt ({ours})", $"\"The\" ({ours})", $"\"A.\" ({ours})", $"other ({ours})", $"flipped ({ours})"], rows);
        // A few examples per relation (like the paper's App J): the first of each type, then more.
        var examples = r.Entries.SelectMany(e => e.Examples
                .Select((x, i) => (x, rank: e.Examples.Take(i).Count(y => y.Type == x.Type)))
                .OrderBy(t => t.rank).Take(ExamplesPerRelation)
                .Select(t => (IReadOnlyList<string>)[e.Relation, e.Language, ErrorTypes.Label(t.x.Type), t.x.Prompt, t.x.Continuation]))
            .ToList();
        var tables = new List<ReportTable> { table };
        if (examples.Count > 0)
            tables.Add(new ReportTable($"Examples of flipped prompts and their continuations (at most {ExamplesPerRelation} per relation)",
                ["relation", "lang", "type", "prompt", "continuation"], examples));
        return new ReportSection(Id, Title, [What(r.NewTokens)], [], tables);
    }

    private const int ExamplesPerRelation = 3;
}
