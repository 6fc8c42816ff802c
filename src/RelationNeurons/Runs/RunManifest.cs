using System.Text.Json;
using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Runs;

/// <summary>A finished stage: when, how long, and what it wrote (paths relative to the run folder).</summary>
public sealed record StageRecord(string Stage, DateTimeOffset FinishedUtc, double Seconds, IReadOnlyList<string> Outputs)
{
    /// <summary>The float32 kernel plan the stage ran with (<see cref="Inference.Kernels.KernelCalibration.Describe"/>); speed only, so not a setting. Null in folders made before it was recorded.</summary>
    public string? KernelPlan { get; init; }
}

/// <summary>
/// <c>run.json</c>: what a run folder holds. The options and the model digest say which run it
/// is; a stage listed in <see cref="Stages"/> is finished and is skipped when the same run is
/// started again (if its outputs still exist). A run with other options or another model refuses
/// to reuse the folder unless forced.
/// </summary>
public sealed record RunManifest(
    IReadOnlyDictionary<string, string> Options,
    ModelFingerprint Model,
    DateTimeOffset StartedUtc,
    IReadOnlyList<StageRecord> Stages) : IVersionedResult
{
    public const string FileName = "run.json";

    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;

    public StageRecord? Find(string stage) => Stages.FirstOrDefault(s => s.Stage == stage);

    public RunManifest WithStage(StageRecord record) =>
        this with { Stages = Stages.Where(s => s.Stage != record.Stage).Append(record).ToArray() };

    /// <summary>Only the stages named in <paramref name="kept"/> (those up to one that was just redone).</summary>
    public RunManifest WithoutStagesAfter(IEnumerable<string> kept)
    {
        var keep = kept.ToHashSet(StringComparer.Ordinal);
        return this with { Stages = Stages.Where(s => keep.Contains(s.Stage)).ToArray() };
    }

    public void Save(string path) => ResultJson.Save(path, this);

    public static RunManifest? TryLoad(string path) => File.Exists(path) ? ResultJson.Load<RunManifest>(path) : null;

    /// <summary>The options that differ, "name: old → new", for the refusal message.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> old, IReadOnlyDictionary<string, string> now) =>
        old.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
            .Where(k => old.GetValueOrDefault(k) != now.GetValueOrDefault(k))
            .Select(k => $"{k}: {old.GetValueOrDefault(k) ?? "(unset)"} → {now.GetValueOrDefault(k) ?? "(unset)"}").ToArray();

    /// <summary>Whether settings were written before the protocol was a setting (all runs then used the Kojima et al. choices).</summary>
    public static bool IsLegacy(IReadOnlyDictionary<string, string> settings) => !settings.ContainsKey("protocol");

    /// <summary>
    /// The settings of a folder made before the protocol was a setting, in today's names: the
    /// protocol choices of then were <see cref="Protocol.Kojima"/>'s (units <c>linear</c> is <c>all</c>;
    /// selection and its N become <c>mode</c> and <c>k</c>). A folder made before the paper's further
    /// analyses (Fig 7, 8, Tables 2, 4, App E) gets their default settings, and its full list of
    /// experiments of then is today's full list: it resumes, its finished experiments stage is kept,
    /// and `relneurons experiment all` adds the new result files. Folders from before
    /// <c>compute</c> get <c>f32</c>. Today's settings pass unchanged.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Upgrade(IReadOnlyDictionary<string, string> old)
    {
        var s = new SortedDictionary<string, string>(old.ToDictionary(), StringComparer.Ordinal);
        s.TryAdd("compute", "f32"); // folders made before the compute setting ran in float32
        if (IsLegacy(old)) UpgradeLegacy(s);
        AddPaperAnalyses(s);
        return s;
    }

    /// <summary>Every experiment kind there was before the paper's further analyses, as run.json listed them.</summary>
    private const string KindsBeforePaperAnalyses = "intra,inter,cumulativity,overlap,crosslingual";

    private static void AddPaperAnalyses(SortedDictionary<string, string> s)
    {
        if (!s.TryAdd("corpus", CorpusChoice.BesideModelSetting)) return;   // written after them: nothing to add
        var defaults = new Experiments.Runners.ExperimentOptions();
        s.TryAdd("source_language", defaults.SourceLanguage);
        s.TryAdd("error_type_new_tokens", defaults.ErrorTypeNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (s.GetValueOrDefault("experiments") == KindsBeforePaperAnalyses)
            s["experiments"] = string.Join(",", Experiments.Runners.ExperimentKinds.All.Select(Experiments.Runners.ExperimentKinds.Name));
    }

    private static void UpgradeLegacy(SortedDictionary<string, string> s)
    {
        if (s.GetValueOrDefault("units") == "linear") s["units"] = ProtocolNames.Of(UnitSet.All);
        if (s.Remove("selection", out string? mode)) s["mode"] = mode;
        s.Remove("selection_count", out string? count);
        s.Remove("selection_fraction", out string? fraction);
        var kojima = Protocol.Kojima with
        {
            Count = count is null or "fraction" ? null : long.Parse(count, System.Globalization.CultureInfo.InvariantCulture),
            Fraction = fraction is null or "paper" ? Protocol.KojimaFraction : double.Parse(fraction, System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in kojima.Settings()) s.TryAdd(key, value);
        s.TryAdd("pooling", "mean");
        s.TryAdd("negative_scope", "same_language");
        s.TryAdd("detection_prompts_per_relation", "50");
    }
}
