using System.Diagnostics;
using RelationNeurons.Analysis;

namespace RelationNeurons.Bench;

/// <summary>
/// Expertise scoring throughput: 100,000 units × 4,000 prompts over 12 relations (the issue's
/// target is under 30 s on two cores). The activations are generated as 10 "layers" of 10,000
/// units, rounded to float16 as an F16 record holds them (so some scores tie), and scored one
/// layer at a time as the file-based driver does; generation is not timed. Reports wall time and
/// the process's CPU time: on a shared machine the wall time includes waiting for a core, while
/// CPU time / threads is what the work costs on dedicated cores.
/// Arguments: [units] [prompts] [relations] [runs] [threads]. With <c>file DIR</c> first, the same
/// data is written as an F16 record folder in DIR and scored by the layer-by-layer file driver,
/// which also reports the peak working set (run it a second time with the same DIR to measure the
/// driver alone, without the generated data in memory).
/// </summary>
public static class ExpertiseBench
{
    public static int Run(string[] args)
    {
        string? fileDir = null;
        if (args.Length >= 2 && args[0] == "file") { fileDir = args[1]; args = args[2..]; }
        int units = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        int prompts = args.Length > 1 ? int.Parse(args[1]) : 4_000;
        int relations = args.Length > 2 ? int.Parse(args[2]) : 12;
        int runs = args.Length > 3 ? int.Parse(args[3]) : 5;
        int threads = args.Length > 4 ? int.Parse(args[4]) : Environment.ProcessorCount;
        const int layers = 10;
        int width = units / layers;
        if (fileDir is not null && File.Exists(Path.Combine(fileDir, "record", RecordManifest.FileName)))
            return ScoreFiles(fileDir, runs, threads); // a second invocation measures the driver alone

        var labels = PromptLabels.FromRelations(Enumerable.Range(0, prompts).Select(p => $"r{p % relations:D2}"));
        var plan = ScoringPlan.Create(labels);
        var data = new float[layers][];
        ulong state = 12345;
        for (int l = 0; l < layers; l++)
        {
            data[l] = new float[(long)prompts * width];
            for (int i = 0; i < data[l].Length; i++)
            {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                int relation = (i / width) % relations;
                // A few units lean towards one relation so that APs are spread out.
                float bias = (i % width) % 97 == relation ? 0.5f : 0f;
                data[l][i] = (float)(Half)((state >> 40) / (float)(1 << 24) - 0.5f + bias);
            }
        }

        Console.WriteLine($"expertise: {layers * width:N0} units x {prompts:N0} prompts, {relations} relations, {threads} threads");
        if (fileDir is not null) return RunFromFiles(fileDir, data, labels, layers, width, prompts, runs, threads);
        var times = new List<double>();
        var cpuTimes = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            double cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var watch = Stopwatch.StartNew();
            double checksum = 0;
            for (int l = 0; l < layers; l++)
            {
                var scores = ExpertiseScorer.Score(data[l], prompts, width, plan, threads);
                checksum += scores.Ap[l];
            }
            times.Add(watch.Elapsed.TotalSeconds);
            cpuTimes.Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0);
            Console.WriteLine($"  run {r + 1}: wall {times[^1]:F2} s, cpu {cpuTimes[^1]:F2} s (checksum {checksum:F6})");
        }
        double median = times.Order().ElementAt(times.Count / 2);
        double medianCpu = cpuTimes.Order().ElementAt(cpuTimes.Count / 2);
        Console.WriteLine($"median wall {median:F2} s ({(double)layers * width / median:N0} units/s); " +
            $"median cpu {medianCpu:F2} s = {medianCpu / threads:F2} s per thread ({medianCpu * 1e6 / (layers * width):F1} cpu-us per unit)");
        return 0;
    }

    private static int RunFromFiles(string dir, float[][] data, PromptLabels labels, int layers, int width, int prompts, int runs, int threads)
    {
        string record = Path.Combine(dir, "record"), output = Path.Combine(dir, "expertise");
        var manifest = new RecordManifest
        {
            Units = "custom", Taps = ["mlp.hook_post"], Widths = [width], Layers = layers, Prompts = prompts, Dtype = "F16",
        };
        var writer = new RecordWriter(record, manifest);
        for (int l = 0; l < layers; l++) writer.WriteLayer(l, [data[l]]);
        writer.Finish(labels);
        // Drop the in-memory copy so the working set shows what the driver itself needs.
        Array.Clear(data);
        GC.Collect();
        return ScoreFiles(dir, runs, threads);
    }

    private static int ScoreFiles(string dir, int runs, int threads)
    {
        string record = Path.Combine(dir, "record"), output = Path.Combine(dir, "expertise");
        var times = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            double cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var watch = Stopwatch.StartNew();
            ExpertiseRunner.Run(record, output, new ExpertiseOptions { MaxThreads = threads });
            times.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  run {r + 1}: wall {times[^1]:F2} s, cpu {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0:F2} s");
        }
        Console.WriteLine($"median wall {times.Order().ElementAt(times.Count / 2):F2} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB " +
            $"(record on disk {Directory.GetFiles(record).Sum(f => new FileInfo(f).Length) / (1 << 20):N0} MiB)");
        return 0;
    }
}
