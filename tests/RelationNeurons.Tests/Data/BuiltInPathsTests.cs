using RelationNeurons.Data;

namespace RelationNeurons.Tests.Data;

public class BuiltInPathsTests
{
    [Fact]
    public void FindsTheNearestFolderWalkingUpFromEachStartInOrder()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("repo/data/relations"));
        Directory.CreateDirectory(dir.File("repo/src/bin/Debug"));
        Directory.CreateDirectory(dir.File("other/deep/er"));
        Directory.CreateDirectory(dir.File("other/data/relations"));
        string rel = Path.Combine("data", "relations");

        Assert.Equal(Path.GetFullPath(dir.File("repo/data/relations")), BuiltInPaths.Find(rel, [dir.File("repo/src/bin/Debug")]));
        // The first start that has one wins.
        Assert.Equal(Path.GetFullPath(dir.File("other/data/relations")), BuiltInPaths.Find(rel, [dir.File("other/deep/er"), dir.File("repo/src/bin/Debug")]));
        Assert.Null(BuiltInPaths.Find(Path.Combine("no", "such", "folder-" + Guid.NewGuid().ToString("N")), [dir.File("repo/src/bin/Debug")]));
    }
}
