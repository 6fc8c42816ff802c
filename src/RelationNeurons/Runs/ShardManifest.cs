using RelationNeurons.IO;

namespace RelationNeurons.Runs;

/// <summary>
/// <c>shards/&lt;stage&gt;/shard-i-of-n.json</c>: one shard of a stage is finished. Written last,
/// after everything the shard wrote, so its presence means the share is complete. <see cref="Settings"/>
/// is the stage's settings digest (<see cref="ShardSettings"/>): a merge takes only shards with
/// the digest it computes itself. <see cref="First"/> and <see cref="Items"/> are the share of the
/// stage's <see cref="Total"/> items (prompts, chunks, layers or conditions).
/// </summary>
public sealed record ShardManifest(string Stage, int Index, int Count, string Settings, int First, int Items, int Total) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;

    public Shard Shard => new(Index, Count);
}

/// <summary>A shard's share of a stage's items, as the stage reports it.</summary>
public readonly record struct ShardShare(int First, int Items, int Total);

/// <summary>
/// The shard files of one stage in a run folder (<c>shards/&lt;stage&gt;/</c>) and what they
/// say: nothing sharded, every shard done with the expected settings, or a problem that names
/// the missing shards and those made with other settings.
/// </summary>
public sealed class ShardFolder(string root, string stage)
{
    public const string FolderName = "shards";

    /// <summary>A run's stage: <c>RUN/shards/&lt;stage&gt;</c>.</summary>
    public ShardFolder(RunLayout layout, string stage) : this(layout.Root, stage) { }

    /// <summary><paramref name="root"/>: the folder the sharded work writes (a run folder, or a standalone verb's --out).</summary>
    public string Path { get; } = System.IO.Path.Combine(root, FolderName, stage);
    public string Stage { get; } = stage;

    /// <summary>A shard's manifest, not one of its data files (<c>shard-0-of-3.verdicts.json</c>).</summary>
    private static readonly System.Text.RegularExpressions.Regex ManifestName = new(@"^shard-\d+-of-\d+\.json$");

    public string ManifestPath(Shard shard) => System.IO.Path.Combine(Path, shard.FileStem + ".json");

    /// <summary>A file of a shard's own, beside its manifest: <c>shard-i-of-n&lt;suffix&gt;</c>.</summary>
    public string DataPath(Shard shard, string suffix) => System.IO.Path.Combine(Path, shard.FileStem + suffix);

    public IReadOnlyList<ShardManifest> Manifests() =>
        Directory.Exists(Path)
            ? Directory.EnumerateFiles(Path, "shard-*-of-*.json").Where(f => ManifestName.IsMatch(System.IO.Path.GetFileName(f)))
                .Order(StringComparer.Ordinal).Select(ResultJson.Load<ShardManifest>).ToList()
            : [];

    public bool Any => Manifests().Count > 0;

    /// <summary>
    /// Does one shard's share (<paramref name="share"/>) unless its manifest says it is done with
    /// <paramref name="settings"/>, then writes the manifest, last: its presence means the share is
    /// complete. Returns false when the shard was done earlier.
    /// </summary>
    public bool RunShard(Shard shard, string settings, Func<ShardShare> share)
    {
        string path = ManifestPath(shard);
        if (File.Exists(path) && ResultJson.Load<ShardManifest>(path).Settings == settings) return false;
        var s = share();
        ResultJson.Save(path, new ShardManifest(Stage, shard.Index, shard.Count, settings, s.First, s.Items, s.Total));
        return true;
    }

    /// <summary>
    /// Every shard of the stage, in order, when all are done with <paramref name="settings"/>;
    /// otherwise a user error that names each missing shard and each made with other settings
    /// (or with another shard count), so that exactly those are run again.
    /// </summary>
    public IReadOnlyList<ShardManifest> RequireComplete(string settings)
    {
        var found = Manifests();
        if (found.Count == 0)
            throw new UserInputException($"{Path}: no finished shard of stage {Stage}; run it with `--shard i/n` for each i first");
        int count = found.GroupBy(m => m.Count).OrderByDescending(g => g.Count(m => m.Settings == settings)).ThenByDescending(g => g.Count()).First().Key;
        var problems = new List<string>();
        foreach (var m in found.Where(m => m.Count != count))
            problems.Add($"shard {m.Shard} was made for {m.Count} shards, the others for {count}");
        foreach (var m in found.Where(m => m.Count == count && (m.Settings != settings || m.Stage != Stage)))
            problems.Add($"shard {m.Shard} was made with other settings or inputs (its digest {m.Settings[..12]}, this run's {settings[..12]})");
        var byIndex = found.Where(m => m.Count == count).ToDictionary(m => m.Index);
        var missing = Enumerable.Range(0, count).Where(i => !byIndex.ContainsKey(i)).Select(i => new Shard(i, count).ToString()).ToList();
        if (missing.Count > 0) problems.Insert(0, $"shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} missing (not run, or not finished)");
        var ordered = Enumerable.Range(0, count).Where(byIndex.ContainsKey).Select(i => byIndex[i]).ToList();
        for (int i = 1; i < ordered.Count && problems.Count == 0; i++)
            if (ordered[i].First != ordered[i - 1].First + ordered[i - 1].Items || ordered[i].Total != ordered[0].Total)
                problems.Add($"shard {ordered[i].Shard} does not continue shard {ordered[i - 1].Shard} (items {ordered[i].First}.. after {ordered[i - 1].First}+{ordered[i - 1].Items})");
        if (problems.Count > 0)
            throw new UserInputException($"cannot merge stage {Stage} from {Path}: {string.Join("; ", problems)}. " +
                "Run the named shards (again) with this run's options, or delete the folder to compute the stage unsharded");
        return ordered;
    }

    /// <summary>A shard's JSON data file, or null when it is missing or unreadable (the caller names the shard to run again).</summary>
    public static T? ReadJson<T>(string path, System.Text.Json.JsonSerializerOptions? options = null) where T : class
    {
        if (!File.Exists(path)) return null;
        try { return System.Text.Json.JsonSerializer.Deserialize<T>(File.ReadAllText(path), options); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>Removes the stage's shard files once its merged outputs are recorded (and the <c>shards/</c> folder when it is left empty).</summary>
    public void Remove()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        string parent = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
    }
}
