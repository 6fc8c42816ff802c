namespace RelationNeurons.Runs;

/// <summary>Reports a library's progress into a stage's, synchronously on the caller's thread (System.Progress would post to the thread pool and reorder lines).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
