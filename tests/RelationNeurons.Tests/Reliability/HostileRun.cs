using System.Diagnostics;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// Runs one reader over many hostile inputs. Each case may succeed (the mutation left a valid
/// input) or end in <see cref="UserInputException"/> with a message naming the source; anything
/// else fails the test: another exception type, a case that runs past <see cref="CaseTimeout"/>
/// (a hang), or one that allocates more than <see cref="MaxAllocatedBytes"/> (a reader trusting a
/// length it read). Counts are printed to the test output.
/// </summary>
internal sealed class HostileRun(string reader, ITestOutputHelper output)
{
    /// <summary>Generous: a correct reader finishes a case in well under a millisecond.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

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
        var task = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { read(); }
            catch (UserInputException e) { message = e.Message; }
            catch (Exception e) { unexpected = e; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        bool finished = task.Wait(CaseTimeout);
        _clock.Stop();
        if (!finished)
            throw new Xunit.Sdk.XunitException($"{reader}: case did not finish within {CaseTimeout.TotalSeconds} s (a hang?): {describe()}");
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
