using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace RelationNeurons.Cli;

/// <summary>
/// Progress of long verbs on stderr (stdout stays clean for --json), and Ctrl+C as a
/// cancellation that lets finished work be kept.
/// </summary>
internal static class ProgressConsole
{
    public delegate void Report(double done, double total, string detail);

    public static T Run<T>(string description, Func<Report, CancellationToken, T> work, CancellationToken cancel)
    {
        var console = Consoles.Stderr();
        if (!console.Profile.Capabilities.Interactive)
            return work((_, _, _) => { }, cancel);
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description));
                result = work((done, total, detail) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                    task.Description = Markup.Escape($"{description}: {detail}");
                }, cancel);
            });
        return result;
    }

    /// <summary>An IProgress that reports on the caller's thread at once (Progress&lt;T&gt; posts to the thread pool, late and unordered).</summary>
    public static IProgress<T> Sync<T>(Action<T> report) => new SyncProgress<T>(report);

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>A token cancelled by the first Ctrl+C (the second one ends the process as usual).</summary>
    public static CancellationSource CancelOnCtrlC() => new();

    internal sealed class CancellationSource : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly ConsoleCancelEventHandler _handler;

        public CancellationSource()
        {
            _handler = (_, e) =>
            {
                if (_cts.IsCancellationRequested) return;
                e.Cancel = true;
                _cts.Cancel();
            };
            Console.CancelKeyPress += _handler;
        }

        public CancellationToken Token => _cts.Token;

        public void Dispose()
        {
            Console.CancelKeyPress -= _handler;
            _cts.Dispose();
        }
    }
}
