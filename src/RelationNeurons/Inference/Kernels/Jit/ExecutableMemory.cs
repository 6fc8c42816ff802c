using System.Runtime.InteropServices;

namespace RelationNeurons.Inference.Kernels.Jit;

/// <summary>
/// Machine code placed in its own anonymous mapping: mapped read-write, the code copied in, then
/// switched to read-execute (<c>mprotect</c>) before any pointer into it is handed out, so the
/// pages are never writable and executable at once (W^X). Linux x86-64 only (libc's
/// <c>mmap</c>/<c>mprotect</c>/<c>munmap</c>); the mapping lives until <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe partial class ExecutableMemory : IDisposable
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    private byte* _base;
    private readonly nuint _length;

    /// <summary>Start of the code; valid until disposed.</summary>
    public byte* Base => _base != null ? _base : throw new ObjectDisposedException(nameof(ExecutableMemory));

    public int Length { get; }

    public ExecutableMemory(ReadOnlySpan<byte> code)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("run-time code needs Linux (mmap/mprotect)");
        if (code.IsEmpty) throw new ArgumentException("no code", nameof(code));
        Length = code.Length;
        nuint page = (nuint)Environment.SystemPageSize;
        _length = ((nuint)code.Length + page - 1) / page * page;
        void* p = mmap(null, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == (void*)-1) throw new InvalidOperationException($"mmap of {_length} bytes failed (errno {Marshal.GetLastPInvokeError()})");
        _base = (byte*)p;
        code.CopyTo(new Span<byte>(_base, code.Length));
        if (mprotect(_base, _length, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Dispose();
            throw new InvalidOperationException($"mprotect to read-execute failed (errno {errno})");
        }
    }

    public void Dispose()
    {
        if (_base == null) return;
        munmap(_base, _length);
        _base = null;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(void* addr, nuint length, int prot);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* addr, nuint length);
}
