using System.Runtime.InteropServices;

namespace RelationNeurons.Inference;

/// <summary>
/// Gives pages of a read-only file mapping back to the kernel (Linux <c>madvise(MADV_DONTNEED)</c>).
/// The mapping stays valid: a later read faults the pages in again from the page cache or the
/// file, so releasing too much costs time, never correctness. Elsewhere it does nothing.
/// </summary>
internal static unsafe partial class MappedPages
{
    private const int MadviseDontNeed = 4;

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);

    /// <summary>
    /// Releases the pages that hold [<paramref name="start"/>, start + <paramref name="bytes"/>),
    /// widened to whole pages (a neighbour sharing an edge page is simply read again if used).
    /// Returns whether the kernel accepted the advice.
    /// </summary>
    public static bool Release(void* start, long bytes)
    {
        if (!OperatingSystem.IsLinux() || start is null || bytes <= 0) return false;
        long page = Environment.SystemPageSize;
        long begin = (long)start & ~(page - 1);
        long end = ((long)start + bytes + page - 1) & ~(page - 1);
        return Madvise((nint)begin, (nuint)(end - begin), MadviseDontNeed) == 0;
    }
}
