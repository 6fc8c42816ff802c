using RelationNeurons.IO;

namespace RelationNeurons.Tests.IO;

public class StaleTempFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relneurons-stale-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Touch(string relative)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        return path;
    }

    private static string Guid32 => Guid.NewGuid().ToString("N");

    [Fact]
    public void RemovesOnlyTemporariesOfDeadWriters()
    {
        const int dead = 999_999_001, live = 999_999_002;
        string deadTop = Touch($".intra.json.{dead}.{Guid32}.tmp");
        string deadNested = Touch($"evaluations/.clean.json.{dead}.{Guid32}.tmp");
        string liveOther = Touch($".inter.json.{live}.{Guid32}.tmp");
        string own = Touch($".summary.json.{Environment.ProcessId}.{Guid32}.tmp");
        string[] kept =
        [
            liveOther, own, Touch("intra.json"), Touch(".hidden.tmp"), Touch($".x.{dead}.notaguid.tmp"), Touch($"x.{dead}.{Guid32}.tmp"),
        ];
        var asked = new List<int>();
        var removed = StaleTempFiles.Remove(_dir, pid => { asked.Add(pid); return pid == live; });

        Assert.Equal(new[] { deadNested, deadTop }.Order(), removed.Order());
        Assert.False(File.Exists(deadTop));
        Assert.False(File.Exists(deadNested));
        Assert.All(kept, f => Assert.True(File.Exists(f), f));
        // Each pid is looked up once; this process is never asked about (it is alive by definition).
        Assert.Equal([dead, live], asked.Order());
    }

    [Fact]
    public void TheWriterPidIsReadFromAtomicFilesNames()
    {
        Assert.Equal(1234, StaleTempFiles.WriterPid($".report.html.1234.{Guid32}.tmp"));
        Assert.Equal(7, StaleTempFiles.WriterPid($".a.b.c.7.{Guid32}.tmp"));
        Assert.Null(StaleTempFiles.WriterPid($"report.html.1234.{Guid32}.tmp"));
        Assert.Null(StaleTempFiles.WriterPid(".report.html.tmp"));
    }

    [Fact]
    public void ByDefaultAProcessThatExitedIsDeadAndThisOneIsAlive()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        string exited = Touch($".a.json.{p.Id}.{Guid32}.tmp");
        string own = Touch($".b.json.{Environment.ProcessId}.{Guid32}.tmp");
        // An AtomicFile write left by this very process name pattern, done properly, leaves nothing behind.
        AtomicFile.WriteAllText(Path.Combine(_dir, "c.json"), "{}");
        var removed = StaleTempFiles.Remove(_dir);
        Assert.Equal([exited], removed);
        Assert.True(File.Exists(own));
        Assert.Empty(StaleTempFiles.Remove(Path.Combine(_dir, "missing")));
    }
}
