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
        if (threads <= 1)
        {
            for (int i = 0; i < items; i++) job.Run(i);
            return;
        }
        job.Next = -1;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref job.Next)) < items) job.Run(i);
        });
    }

    /// <summary>Threads worth using for a product of m·n·k multiply-adds: tiny products stay on the caller.</summary>
    public static int ThreadsFor(long multiplyAdds, int maxThreads) =>
        multiplyAdds < (1L << 18) ? 1 : Math.Max(1, maxThreads);
}
