namespace RelationNeurons.IO;

/// <summary>
/// The size of the file a path leads to. <see cref="FileInfo.Length"/> on Unix is the size of a
/// symbolic link itself, not of its target, and the Hugging Face cache keeps every checkpoint
/// file as a link from <c>snapshots/</c> to <c>blobs/</c>: a loader that trusted it would call a
/// 13 GB shard 80 bytes long.
/// </summary>
public static class FileLength
{
    public static long Of(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return info.Length;
        return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target && target.Exists
            ? target.Length
            : throw new FileNotFoundException($"{path}: the link's target does not exist", path);
    }
}
