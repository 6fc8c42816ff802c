namespace RelationNeurons.Inference.Kernels;

/// <summary>
/// A pinned byte buffer seen from its first 64-byte boundary (a managed array is only 16-byte
/// aligned, and the tiles' 64-byte loads on an unaligned panel would each straddle two cache
/// lines): the storage of a weight copy packed once. The GC never moves it and frees it with its owner.
/// </summary>
internal sealed unsafe class PinnedLines
{
    private const int Line = 64;
    private readonly byte[] _storage;
    private readonly nint _offset;

    /// <param name="bytes">Usable bytes from <see cref="Data"/>; what the owner names too large for one array is refused by <paramref name="what"/>.</param>
    public PinnedLines(long bytes, string what)
    {
        if (bytes + Line > Array.MaxLength) throw new ArgumentException($"{what} is too large for one packed copy");
        _storage = GC.AllocateUninitializedArray<byte>((int)(bytes + Line), pinned: true);
        fixed (byte* p = _storage) _offset = (nint)(AlignToLine(p) - p);
    }

    /// <summary>The first line (valid while this object lives).</summary>
    public byte* Data
    {
        get { fixed (byte* p = _storage) return p + _offset; }
    }

    /// <summary>Bytes held, the alignment slack included.</summary>
    public long Bytes => _storage.LongLength;

    /// <summary>The first cache-line boundary at or after <paramref name="p"/>.</summary>
    public static byte* AlignToLine(byte* p) => (byte*)(((nint)p + (Line - 1)) & ~(nint)(Line - 1));
}
