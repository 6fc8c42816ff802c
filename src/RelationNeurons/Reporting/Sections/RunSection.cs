using System.Text.Json;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Reporting.Sections;

/// <summary>Model fingerprint, settings, timings, versions and the command that repeats the run.</summary>
internal static class RunSection
{
    public static ReportSection Build(RunSummary s)
    {
        var paragraphs = new List<string>
        {
            $"Model: {s.Model.Name}. Weights SHA-256: {s.Model.WeightsSha256}.",
            $"Relations ({s.Relations.Count}): {string.Join(", ", s.Relations)}. Languages: {string.Join(", ", s.Languages)}.",
            $"Run from {s.StartedUtc:yyyy-MM-dd HH:mm:ss} to {s.FinishedUtc:yyyy-MM-dd HH:mm:ss} UTC ({Format.Seconds((s.FinishedUtc - s.StartedUtc).TotalSeconds)}) with {s.Versions.Tool} on {s.Versions.Runtime}, {s.Versions.Os}.",
            $"To reproduce: `{s.ReproduceCommand}`",
        };
        var tables = new List<ReportTable>
        {
            new("Settings", ["setting", "value"], s.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (IReadOnlyList<string>)[kv.Key, kv.Value]).ToList()),
        };
        if (s.Model.Config is { ValueKind: JsonValueKind.Object } config)
            tables.Add(new ReportTable("Model configuration (config.json)", ["key", "value"],
                config.EnumerateObject().Select(p => (IReadOnlyList<string>)[p.Name, p.Value.ToString()]).ToList()));
        if (s.Model.Files is { Count: > 0 } files)
            tables.Add(new ReportTable("Weight files", ["file", "bytes", "SHA-256"],
                files.Select(f => (IReadOnlyList<string>)[f.Path, Format.Int(f.Bytes), f.Sha256]).ToList()));
        if (s.Timings.Count > 0)
            tables.Add(new ReportTable("Stage timings", ["stage", "wall time"],
                s.Timings.Select(t => (IReadOnlyList<string>)[t.Stage, Format.Seconds(t.Seconds)]).ToList()));
        return new ReportSection("run", "Run: model, settings, reproduction", paragraphs, [], tables);
    }
}
