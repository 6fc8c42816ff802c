using System.Globalization;

namespace RelationNeurons.Inference;

/// <summary>Memory this process may still take, and where the figure came from.</summary>
public readonly record struct AvailableMemory(long Bytes, string Source);

/// <summary>
/// Refuses a stage that would not fit in memory before it starts, instead of letting the kernel
/// kill the process hours in. Available memory is the smaller of the system's MemAvailable
/// (/proc/meminfo) and the room left under this process's cgroup limit (v2 memory.max minus
/// memory.current plus reclaimable file cache, or v1 limit_in_bytes minus usage_in_bytes), and
/// falls back to what the .NET runtime reports elsewhere. <c>RELNEURONS_AVAILABLE_MEMORY</c>
/// (bytes, or with a K/M/G/T suffix) overrides the figure; <c>RELNEURONS_MEMORY_GUARD=off</c> turns the check off.
/// </summary>
public static class MemoryGuard
{
    public const string OverrideVariable = "RELNEURONS_AVAILABLE_MEMORY";
    public const string SwitchVariable = "RELNEURONS_MEMORY_GUARD";

    /// <summary>
    /// Throws a <see cref="UserInputException"/> naming the numbers and the option that helps when
    /// <paramref name="estimate"/> does not fit. Returns a warning (or null) when only the mapped
    /// weights do not fit: the stage will run, but read weights from disk again and again.
    /// </summary>
    public static string? Check(MemoryEstimate estimate, string stage) => IsOff ? null : Check(estimate, stage, Available());

    /// <summary>Whether <c>RELNEURONS_MEMORY_GUARD=off</c> turns the check off.</summary>
    public static bool IsOff => string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The same check against a given figure (tests, or callers that know better).</summary>
    public static string? Check(MemoryEstimate estimate, string stage, AvailableMemory? available)
    {
        if (available is not { } a) return null;   // nothing known: do not guess
        if (estimate.RequiredBytes > a.Bytes)
            throw new UserInputException(
                $"{stage}: needs about {MemoryEstimate.Bytes(estimate.RequiredBytes)} of memory ({estimate.Breakdown()}) " +
                $"but only {MemoryEstimate.Bytes(a.Bytes)} is available ({a.Source}); use {estimate.Remedy}" +
                $" (set {SwitchVariable}=off to run anyway)");
        if (estimate.ComfortableBytes > a.Bytes && !estimate.WeightsMustBeResident)
            return $"{stage}: the model's {MemoryEstimate.Bytes(estimate.MappedWeightBytes)} of weights do not fit in the " +
                   $"{MemoryEstimate.Bytes(a.Bytes - estimate.RequiredBytes)} left after buffers ({a.Source}); weights will be re-read from disk, which is slow";
        return null;
    }

    /// <summary>
    /// <paramref name="options"/> as a model should run them: bfloat16 compute packs its weights
    /// once only when the stage fits with the copy (or nothing is known, or the guard is off);
    /// otherwise the products pack per product and hold no copy.
    /// </summary>
    public static EngineOptions WithWeightPacking(EngineOptions options, MemoryEstimate withCopy, AvailableMemory? available)
    {
        if (withCopy.PackedWeightBytes == 0 || available is not { } a || withCopy.RequiredBytes <= a.Bytes) return options;
        return options with { PackWeights = false };
    }

    /// <summary>The memory this process may still take, or null when nothing can be learned.</summary>
    public static AvailableMemory? Available()
    {
        string? forced = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(forced))
            return ParseSize(forced) is { } f ? new AvailableMemory(f, OverrideVariable) : throw new UserInputException($"{OverrideVariable}='{forced}' is not a size (bytes, or a number with K, M, G or T)");
        AvailableMemory? best = null;
        void Consider(long? bytes, string source)
        {
            if (bytes is { } b && (best is null || b < best.Value.Bytes)) best = new AvailableMemory(Math.Max(0, b), source);
        }
        Consider(ReadFile("/proc/meminfo") is { } meminfo ? ParseMemAvailable(meminfo) : null, "MemAvailable in /proc/meminfo");
        foreach (var (bytes, source) in CgroupRoom()) Consider(bytes, source);
        if (best is null && !OperatingSystem.IsLinux())
        {
            var gc = GC.GetGCMemoryInfo();
            Consider(gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes, ".NET GC memory info");
        }
        return best;
    }

    /// <summary>The MemAvailable line of /proc/meminfo, in bytes.</summary>
    public static long? ParseMemAvailable(string meminfo)
    {
        foreach (string line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var parts = line[13..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                return parts.Length > 1 && parts[1] == "kB" ? v * 1024 : v;
        }
        return null;
    }

    /// <summary>
    /// Room under a cgroup v2 limit: memory.max ("max" = none) minus memory.current, plus the
    /// inactive file cache of memory.stat that the kernel reclaims before it kills.
    /// </summary>
    public static long? CgroupV2Room(string? max, string? current, string? stat)
    {
        if (max is null || current is null) return null;
        max = max.Trim();
        if (max == "max" || !long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out long limit)) return null;
        if (!long.TryParse(current.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long used)) return null;
        return limit - used + StatValue(stat, "inactive_file");
    }

    private static IEnumerable<(long?, string)> CgroupRoom()
    {
        if (!OperatingSystem.IsLinux()) yield break;
        // cgroup v2: this process's group is named in /proc/self/cgroup as "0::/path"; v1 as "N:memory:/path".
        string[] lines = ReadFile("/proc/self/cgroup")?.Split('\n') ?? [];
        string? v2Group = lines.FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..].Trim();
        string? v1Group = lines.Select(l => l.Split(':', 3)).FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains("memory"))?[2].Trim();
        foreach (string dir in Folders("/sys/fs/cgroup", v2Group))
        {
            long? room = CgroupV2Room(ReadFile(Path.Combine(dir, "memory.max")), ReadFile(Path.Combine(dir, "memory.current")), ReadFile(Path.Combine(dir, "memory.stat")));
            if (room is not null) yield return (room, $"cgroup limit {Path.Combine(dir, "memory.max")}");
        }
        foreach (string dir in Folders("/sys/fs/cgroup/memory", v1Group))
        {
            long? room = CgroupV1Room(ReadFile(Path.Combine(dir, "memory.limit_in_bytes")), ReadFile(Path.Combine(dir, "memory.usage_in_bytes")), ReadFile(Path.Combine(dir, "memory.stat")));
            if (room is not null) yield return (room, $"cgroup limit {Path.Combine(dir, "memory.limit_in_bytes")}");
        }
    }

    private static IEnumerable<string> Folders(string root, string? group) =>
        string.IsNullOrEmpty(group) || group == "/" ? [root] : new[] { Path.Combine(root, group.TrimStart('/')), root }.Distinct();

    /// <summary>Room under a cgroup v1 limit (a limit near 2^63 means none), plus reclaimable inactive file cache.</summary>
    public static long? CgroupV1Room(string? limit, string? usage, string? stat)
    {
        if (limit is null || usage is null) return null;
        if (!long.TryParse(limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long lim) || lim >= 1L << 60) return null;
        if (!long.TryParse(usage.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long used)) return null;
        return lim - used + StatValue(stat, "total_inactive_file");
    }

    private static long StatValue(string? stat, string key)
    {
        foreach (string line in (stat ?? "").Split('\n'))
            if (line.StartsWith(key + " ", StringComparison.Ordinal) && long.TryParse(line[(key.Length + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                return v;
        return 0;
    }

    /// <summary>"123", "512M", "1.5G", "2GiB" (powers of 1024).</summary>
    public static long? ParseSize(string text)
    {
        string t = text.Trim().TrimEnd('B', 'b');
        if (t.EndsWith('i') || t.EndsWith('I')) t = t[..^1];
        double factor = 1;
        if (t.Length > 0 && "KMGTkmgt".Contains(t[^1]))
        {
            factor = Math.Pow(1024, "KMGT".IndexOf(char.ToUpperInvariant(t[^1])) + 1);
            t = t[..^1];
        }
        return double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v) && v >= 0 && v * factor < long.MaxValue
            ? (long)(v * factor) : null;
    }

    private static string? ReadFile(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
