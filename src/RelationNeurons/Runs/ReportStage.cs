using RelationNeurons.Data;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting;
using RelationNeurons.IO;

namespace RelationNeurons.Runs;

/// <summary>Writes <c>summary.json</c> (model, settings, stage timings, how to reproduce) and the report.</summary>
public sealed class ReportStage : IRunStage
{
    public string Name => "report";

    public IReadOnlyList<string> Run(RunContext context, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var layout = context.Layout;
        var manifest = RunManifest.TryLoad(layout.Manifest);
        var test = PromptFile.Read(layout.TestPrompts);
        var summary = new RunSummary(
            context.Fingerprint,
            test.Select(p => p.Relation).Distinct().Order(StringComparer.Ordinal).ToArray(),
            test.Select(p => p.Language).Distinct().Order(StringComparer.Ordinal).ToArray(),
            context.Options.Settings(),
            manifest?.Stages.Select(s => new StageTiming(s.Stage, s.Seconds)).ToArray() ?? [],
            VersionInfo.Current(),
            context.Options.ReproduceCommand ?? $"relneurons run --model {context.Options.Model} --relations {context.Options.Relations} --out {layout.Root}",
            manifest?.StartedUtc ?? DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow);
        ResultJson.Save(layout.Summary, summary);
        var report = ReportGenerator.Generate(layout.Root);
        foreach (string note in report.Notes) context.Notes.Add(note);
        progress.Report(new StageProgress(1, $"{report.FigureFiles.Count} figure files"));
        return [RunFiles.Summary, Path.GetRelativePath(layout.Root, report.HtmlPath), Path.GetRelativePath(layout.Root, report.MarkdownPath)];
    }
}
