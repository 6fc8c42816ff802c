using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RelationNeurons.IO;

/// <summary>
/// Removes the temporaries <see cref="AtomicFile"/> leaves behind when its process is killed
/// between creating <c>.name.&lt;pid&gt;.&lt;guid&gt;.tmp</c> and renaming it: only files of that exact
/// shape whose writing process is no longer running, so a concurrent writer (this process or
/// another live one) never loses a file it is still writing.
/// </summary>
public static partial class StaleTempFiles
{
    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]{1,10})\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();

    /// <summary>The process id in an <see cref="AtomicFile"/> temporary's name, or null when the name has another shape.</summary>
    public static int? WriterPid(string fileName)
    {
        var m = TempName().Match(fileName);
        return m.Success && int.TryParse(m.Groups["pid"].Value, out int pid) ? pid : null;
    }

    /// <summary>
    /// Deletes the stale temporaries under <paramref name="folder"/> (and its subfolders) and
    /// returns their paths; a missing folder has none. <paramref name="isAlive"/> tells whether a
    /// process id is running (default: the operating system's process table).
    /// </summary>
    public static IReadOnlyList<string> Remove(string folder, Func<int, bool>? isAlive = null)
    {
        if (!Directory.Exists(folder)) return [];
        isAlive ??= IsRunning;
        var alive = new Dictionary<int, bool>();
        var removed = new List<string>();
        foreach (string path in Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.AllDirectories))
        {
            if (WriterPid(Path.GetFileName(path)) is not int pid) continue;
            if (pid == Environment.ProcessId) continue;
            if (!alive.TryGetValue(pid, out bool running)) alive[pid] = running = isAlive(pid);
            if (running) continue;
            try
            {
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else removed or holds it: leave it, it is not ours to fight over.
            }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }   // no such process
        catch (InvalidOperationException) { return false; }
    }
}
