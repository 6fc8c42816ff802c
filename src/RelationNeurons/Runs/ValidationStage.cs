using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Runs;

/// <summary>
/// Keeps the detection prompts the unmodified model answers right (<see cref="PromptValidation"/>),
/// when the protocol asks for it, and writes them to <see cref="RunLayout.ValidatedPrompts"/>, which
/// the record stage reads. A relation left without a prompt in a language gets no neurons there
/// (named in the notes); a language left with fewer than two relations cannot score any (every task
/// needs negatives) and is dropped with a note; fewer than two relations in all is a user error.
/// </summary>
public sealed class ValidationStage : IRunStage
{
    public string Name => "validation";

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var layout = context.Layout;
        var protocol = context.Options.Protocol;
        var prompts = PromptFile.Read(layout.IdentificationPrompts);
        ValidationResult result;
        if (protocol.ValidateDetectionPrompts)
        {
            var evaluator = new Evaluator(context.Model, context.Tokenizer, context.Options.Evaluation with { ReuseCleanPrefix = false });
            result = PromptValidation.Run(evaluator, prompts,
                new SyncProgress<(int Done, int Total)>(p => progress.Report(new StageProgress((double)p.Done / Math.Max(1, p.Total), $"{p.Done:N0}/{p.Total:N0} prompts"))),
                cancellationToken);
        }
        else result = PromptValidation.KeepAll(prompts);

        var skipped = result.Emptied.Select(c => $"{c.Relation} ({c.Language}): none of its {c.Before} detection prompts answered right").ToList();
        var kept = result.Kept;
        foreach (var language in kept.Select(p => p.Language).Distinct().Order(StringComparer.Ordinal).ToList())
        {
            var relations = kept.Where(p => p.Language == language).Select(p => p.Relation).Distinct().ToList();
            if (relations.Count >= 2) continue;
            skipped.Add($"language {language}: only {string.Join(", ", relations)} has validated prompts, and a relation needs other relations' prompts as negatives");
            kept = kept.Where(p => p.Language != language).ToList();
        }
        int relationsLeft = kept.Select(p => p.Relation).Distinct().Count();
        if (relationsLeft < 2)
            throw new UserInputException($"validation left {relationsLeft} relation(s) with detection prompts the model answers right " +
                $"({result.Kept.Count} of {prompts.Count} prompts); at least two are needed. The model does not know these facts " +
                "(check the model and the relations, or pass --validation off)");
        foreach (string s in skipped) context.Notes.Add($"validation: {s}");

        Directory.CreateDirectory(layout.Validation);
        PromptFile.Write(layout.ValidatedPrompts, kept);
        var summary = new ValidationSummary(protocol.ValidateDetectionPrompts, Method.ProtocolNames.Of(protocol.Match), protocol.MaxNewTokens,
            prompts.Count, kept.Count, result.Counts, skipped);
        ResultJson.Save(Path.Combine(layout.Validation, ValidationSummary.FileName), summary);
        progress.Report(new StageProgress(1, $"{kept.Count:N0} of {prompts.Count:N0} detection prompts kept"));
        return [Path.GetRelativePath(layout.Root, layout.ValidatedPrompts), Path.GetRelativePath(layout.Root, Path.Combine(layout.Validation, ValidationSummary.FileName))];
    }
}
