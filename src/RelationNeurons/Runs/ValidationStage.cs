using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using System.Text.Json;
using RelationNeurons.IO;

namespace RelationNeurons.Runs;

/// <summary>
/// Keeps the detection prompts the unmodified model answers right (<see cref="PromptValidation"/>),
/// when the protocol asks for it, and writes them to <see cref="RunLayout.ValidatedPrompts"/>, which
/// the record stage reads. A relation left without a prompt in a language gets no neurons there
/// (named in the notes); a language left with fewer than two relations cannot score any (every task
/// needs negatives) and is dropped with a note; fewer than two relations in all is a user error.
/// Sharded by prompts: each shard writes the verdicts of its contiguous share
/// (<c>shards/validation/shard-i-of-n.verdicts.json</c>, a JSON array of booleans), and the merge
/// lays them end to end and writes the stage's files as the unsharded stage does.
/// </summary>
public sealed class ValidationStage : IShardedStage
{
    public string Name => "validation";

    private const string VerdictsSuffix = ".verdicts.json";

    public IReadOnlyList<string> Inputs(RunLayout layout) => [layout.IdentificationPrompts];

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var prompts = PromptFile.Read(context.Layout.IdentificationPrompts);
        var result = context.Options.Protocol.ValidateDetectionPrompts
            ? PromptValidation.Run(Evaluator(context), prompts, Progress(progress), cancellationToken)
            : PromptValidation.KeepAll(prompts);
        return Write(context, prompts, result, progress);
    }

    public ShardShare RunShard(RunContext context, Shard shard, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var prompts = PromptFile.Read(context.Layout.IdentificationPrompts);
        var (first, count) = shard.Range(prompts.Count);
        var share = prompts.Skip(first).Take(count).ToList();
        bool[] verdicts = !context.Options.Protocol.ValidateDetectionPrompts ? Enumerable.Repeat(true, count).ToArray()
            : count == 0 ? []
            : PromptValidation.Run(Evaluator(context), share, Progress(progress), cancellationToken).Outcomes.Select(o => o.Correct).ToArray();
        AtomicFile.WriteAllText(folder.DataPath(shard, VerdictsSuffix), JsonSerializer.Serialize(verdicts) + "\n");
        return new ShardShare(first, count, prompts.Count);
    }

    public IReadOnlyList<string> Merge(RunContext context, IReadOnlyList<ShardManifest> shards, ShardFolder folder, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var prompts = PromptFile.Read(context.Layout.IdentificationPrompts);
        var verdicts = new List<bool>(prompts.Count);
        foreach (var shard in shards)
        {
            string path = folder.DataPath(shard.Shard, VerdictsSuffix);
            var part = ShardFolder.ReadJson<bool[]>(path);
            if (part is null || part.Length != shard.Items)
                throw new UserInputException($"{path}: missing or not the {shard.Items} verdicts shard {shard.Shard} reported; run that shard again");
            verdicts.AddRange(part);
        }
        if (verdicts.Count != prompts.Count)
            throw new UserInputException($"{folder.Path}: the shards hold {verdicts.Count} verdicts for {prompts.Count} detection prompts; run them again");
        var result = context.Options.Protocol.ValidateDetectionPrompts ? PromptValidation.FromVerdicts(prompts, verdicts) : PromptValidation.KeepAll(prompts);
        return Write(context, prompts, result, progress);
    }

    private static Evaluator Evaluator(RunContext context) =>
        new(context.Model, context.Tokenizer, context.Options.Evaluation with { ReuseCleanPrefix = false });

    private static SyncProgress<(int Done, int Total)> Progress(IProgress<StageProgress> progress) =>
        new(p => progress.Report(new StageProgress((double)p.Done / Math.Max(1, p.Total), $"{p.Done:N0}/{p.Total:N0} prompts")));

    /// <summary>The stage's files from the verdicts, whoever computed them (one process or merged shards).</summary>
    private static IReadOnlyList<string> Write(RunContext context, IReadOnlyList<Prompt> prompts, ValidationResult result, IProgress<StageProgress> progress)
    {
        var layout = context.Layout;
        var protocol = context.Options.Protocol;
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
