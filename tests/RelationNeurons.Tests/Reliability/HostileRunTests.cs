using Xunit.Abstractions;
using Xunit.Sdk;

namespace RelationNeurons.Tests.Reliability;

/// <summary>HostileRun's hang check counts the case thread's processor time, not wall time.</summary>
public sealed class HostileRunTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void ASpinningCaseIsAHangAndAWaitingOneIsNot()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "a thread's processor time is read from /proc (Linux)");
        var run = new HostileRun("hang check", output) { CpuLimit = TimeSpan.FromSeconds(1) };

        bool stop = false;
        try
        {
            var e = Assert.Throws<XunitException>(() => run.Case(() => "an endless loop", () => { while (!Volatile.Read(ref stop)) { } }));
            Assert.Contains("processor time", e.Message);
        }
        finally { Volatile.Write(ref stop, true); }

        // Longer than the limit in wall time, as a case starved of a core on a loaded machine would be,
        // but without using the processor: not a hang.
        run.Case(() => "a case that waits", () => Thread.Sleep(1500));
        Assert.Equal(1, run.Accepted);
    }
}
