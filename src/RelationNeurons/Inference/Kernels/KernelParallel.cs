using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace RelationNeurons.Inference.Kernels;

/// <summary>A kernel split into independent work items (each writes its own outputs only).</summary>
internal abstract class ParallelJob
{
    internal int Next = -1;
    public abstract void Run(int item);
}

/// <summary>
/// Runs work items on up to N threads with a shared counter. Because items write disjoint outputs
/// and each output's arithmetic is fixed by the kernel, results never depend on which thread ran
/// which item, so dynamic hand-out is safe for determinism.
/// </summary>
internal static class KernelParallel
{
    public static void Run(ParallelJob job, int items, int threads)
    {
        threads = Math.Min(threads, items);
        job.Next = -1;
        // The team serves one job at a time; a concurrent or nested caller runs its items itself.
        if (threads <= 1 || !KernelTeam.TryRun(job, items, threads)) Drain(job, items);
    }

    internal static void Drain(ParallelJob job, int items)
    {
        int i;
        while ((i = Interlocked.Increment(ref job.Next)) < items) job.Run(i);
    }

    /// <summary>Threads worth using for a product of m·n·k multiply-adds: tiny products stay on the caller.</summary>
    public static int ThreadsFor(long multiplyAdds, int maxThreads) =>
        multiplyAdds < (1L << 18) ? 1 : Math.Max(1, maxThreads);
}

/// <summary>
/// The kernels' own worker threads: the caller plus N−1 workers, each woken per job. Not the
/// thread pool: its idle workers spin looking for work while both cores compute, and on this
/// 2-core machine that stole ~6 % of a prefill (10× the involuntary context switches). A worker
/// here spins only briefly after its job ends, catching the next job of the same forward pass
/// without a wake-up, and otherwise sleeps on its own semaphore.
/// </summary>
internal static class KernelTeam
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs
    private static readonly List<Worker> Workers = [];
    private static int _busy;
    private static ParallelJob? _job;
    private static int _items, _pending;
    private static ExceptionDispatchInfo? _failure;

    public static bool TryRun(ParallelJob job, int items, int threads)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        try
        {
            while (Workers.Count < threads - 1) Workers.Add(new Worker(Workers.Count));
            _job = job;
            _items = items;
            _failure = null;
            Volatile.Write(ref _pending, threads - 1);
            for (int w = 0; w < threads - 1; w++) Workers[w].Wake();
            try { KernelParallel.Drain(job, items); }
            finally
            {
                // Workers must be done with this job before the caller's buffers are reused.
                var spin = new SpinWait();
                while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
                _job = null;
            }
            _failure?.Throw();
            return true;
        }
        finally { Volatile.Write(ref _busy, 0); }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);

        public Worker(int index) =>
            new Thread(Loop) { IsBackground = true, Name = $"RelationNeurons kernel worker {index + 1}" }.Start();

        public void Wake() => _wake.Release();

        private void Loop()
        {
            while (true)
            {
                long until = Stopwatch.GetTimestamp() + SpinTicks;
                while (_wake.CurrentCount == 0 && Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
                _wake.Wait();
                try { KernelParallel.Drain(_job!, _items); }
                catch (Exception e) { Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null); }
                finally { Interlocked.Decrement(ref _pending); }
            }
        }
    }
}
