using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// Runs one reader over many hostile inputs. Each case may succeed (the mutation left a valid
/// input) or end in <see cref="UserInputException"/> with a message naming the source; anything
/// else fails the test: another exception type, a case that hangs (see <see cref="CaseCpuLimit"/>),
/// or one that allocates more than <see cref="MaxAllocatedBytes"/> (a reader trusting a length it
/// read). Counts are printed to the test output.
/// </summary>
internal sealed class HostileRun(string reader, ITestOutputHelper output)
{
    /// <summary>
    /// A case is a hang (an endless loop) once its thread has used this much processor time: the
    /// thread's own CPU time, which a loaded machine does not inflate, not wall time. Generous: a
    /// correct reader finishes a case in well under a millisecond.
    /// </summary>
    public static readonly TimeSpan CaseCpuLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Only for a thread that hangs without using the processor (blocked), or where the thread's CPU
    /// time cannot be read (not Linux): far beyond what any load makes of a sub-millisecond case.
    /// </summary>
    public static readonly TimeSpan CaseWallGuard = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>This run's limit (<see cref="CaseCpuLimit"/> unless a test of the hang check sets less).</summary>
    public TimeSpan CpuLimit { get; init; } = CaseCpuLimit;

    /// <summary>The inputs are at most a few hundred KB; a reader that allocates this much believed a lying length.</summary>
    public const long MaxAllocatedBytes = 256L << 20;

    private int _tried, _rejected, _accepted;
    private readonly Stopwatch _clock = new();

    public int Tried => _tried;
    public int Rejected => _rejected;
    public int Accepted => _accepted;

    /// <summary>Runs one case. <paramref name="describe"/> says what the input was, for the failure message.</summary>
    public void Case(Func<string> describe, Action read, string? expectedInMessage = null, bool mustReject = false)
    {
        Interlocked.Increment(ref _tried);
        _clock.Start();
        Exception? unexpected = null;
        string? message = null;
        long allocated = 0;
        // A separate task so that a hang fails this case instead of the whole test run.
        int thread = 0;
        var task = Task.Run(() =>
        {
            Volatile.Write(ref thread, ThreadCpu.CurrentThreadId());
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { read(); }
            catch (UserInputException e) { message = e.Message; }
            catch (Exception e) { unexpected = e; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        string? hang = task.Wait(Poll) ? null : WatchForHang(task, () => Volatile.Read(ref thread));
        _clock.Stop();
        if (hang is not null)
            throw new Xunit.Sdk.XunitException($"{reader}: case {hang} (a hang?): {describe()}");
        if (unexpected is not null)
            throw new Xunit.Sdk.XunitException($"{reader}: {unexpected.GetType().Name} instead of UserInputException for {describe()}:\n{Head(unexpected.ToString(), 12)}");
        if (allocated > MaxAllocatedBytes)
            throw new Xunit.Sdk.XunitException($"{reader}: case allocated {allocated:N0} bytes (a lying length trusted?): {describe()}");
        if (message is null)
        {
            if (mustReject) throw new Xunit.Sdk.XunitException($"{reader}: accepted an input it must refuse: {describe()}");
            Interlocked.Increment(ref _accepted);
            return;
        }
        if (string.IsNullOrWhiteSpace(message) || (expectedInMessage is not null && !message.Contains(expectedInMessage, StringComparison.Ordinal)))
            throw new Xunit.Sdk.XunitException($"{reader}: unclear message \"{message}\" (expected it to name '{expectedInMessage}') for {describe()}");
        Interlocked.Increment(ref _rejected);
    }

    /// <summary>Waits for a case that is taking long: null once it finishes, else what makes it a hang.</summary>
    private string? WatchForHang(Task task, Func<int> thread)
    {
        var wall = Stopwatch.StartNew();
        TimeSpan? cpuAtStart = null;   // the thread's CPU time when first read (a pool thread has run other work before)
        while (!task.Wait(Poll))
        {
            if (thread() is var id and not 0 && ThreadCpu.Of(id) is { } cpu)
            {
                cpuAtStart ??= cpu;
                if (cpu - cpuAtStart > CpuLimit)
                    return $"used over {CpuLimit.TotalSeconds:F0} s of processor time";
            }
            if (wall.Elapsed > CaseWallGuard)
                return $"did not finish within {CaseWallGuard.TotalMinutes:F0} min";
        }
        return null;
    }

    private static string Head(string text, int lines) => string.Join('\n', text.Split('\n').Take(lines));

    /// <summary>Prints the counts (visible with `dotnet test --logger "console;verbosity=detailed"`) and checks the run was not vacuous.</summary>
    public void Report(int minimumRejected)
    {
        string line = $"[hostile] {reader}: {_tried} inputs tried, {_rejected} rejected with UserInputException, {_accepted} accepted as valid, {_clock.Elapsed.TotalSeconds:F1} s";
        output.WriteLine(line);
        Console.WriteLine(line);
        HostileCounts.Add(reader, _tried);
        Assert.True(_rejected >= minimumRejected, $"{reader}: only {_rejected} of {_tried} hostile inputs were rejected; the generator is not hostile enough");
    }
}

/// <summary>Totals per reader over the whole test run, appended to a file next to the test binaries.</summary>
internal static class HostileCounts
{
    private static readonly object Gate = new();

    public static void Add(string reader, int tried)
    {
        lock (Gate)
        {
            try { File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "hostile-counts.txt"), $"{DateTime.UtcNow:O}\t{reader}\t{tried}\n"); }
            catch (IOException) { }
        }
    }
}

/// <summary>
/// One thread's processor time (user + system), from /proc/self/task/TID/stat on Linux; null where
/// it cannot be read.
/// </summary>
internal static partial class ThreadCpu
{
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    private const int ScClkTck = 2;   // _SC_CLK_TCK on Linux

    private static readonly Lazy<long> TicksPerSecond = new(() => { try { long t = SysConf(ScClkTck); return t > 0 ? t : 100; } catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return 100; } });

    /// <summary>The calling thread's kernel id, or 0 where there is none to read (not Linux).</summary>
    public static int CurrentThreadId()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try { return GetTid(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return 0; }
    }

    public static TimeSpan? Of(int threadId)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/self/task/{threadId}/stat");
            // Fields after the command name (which may hold spaces, so after its closing parenthesis):
            // state is field 3, utime field 14, stime field 15.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds((double)ticks / TicksPerSecond.Value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return null; }
    }
}
