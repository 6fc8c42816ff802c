using System.Diagnostics;
using RelationNeurons.Analysis;

namespace RelationNeurons.Bench;

/// <summary>
/// Expertise scoring throughput: 100,000 units × 4,000 prompts over 12 relations (the issue's
/// target is under 30 s on two cores). The activations are generated as 10 "layers" of 10,000
/// units, scored one layer at a time as the file-based driver does; generation is not timed.
/// Arguments: [units] [prompts] [relations] [runs] [threads].
/// </summary>
public static class ExpertiseBench
{
    public static int Run(string[] args)
    {
        int units = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        int prompts = args.Length > 1 ? int.Parse(args[1]) : 4_000;
        int relations = args.Length > 2 ? int.Parse(args[2]) : 12;
        int runs = args.Length > 3 ? int.Parse(args[3]) : 5;
        int threads = args.Length > 4 ? int.Parse(args[4]) : Environment.ProcessorCount;
        const int layers = 10;
        int width = units / layers;

        var labels = PromptLabels.FromRelations(Enumerable.Range(0, prompts).Select(p => $"r{p % relations:D2}"));
        var plan = ScoringPlan.Create(labels);
        // Values rounded to 1/64 so that ties occur, as in float16 records.
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
                data[l][i] = MathF.Round(((state >> 40) / (float)(1 << 24) - 0.5f + bias) * 64f) / 64f;
            }
        }

        Console.WriteLine($"expertise: {layers * width:N0} units x {prompts:N0} prompts, {relations} relations, {threads} threads");
        var times = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            double checksum = 0;
            for (int l = 0; l < layers; l++)
            {
                var scores = ExpertiseScorer.Score(data[l], prompts, width, plan, threads);
                checksum += scores.Ap[l];
            }
            times.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  run {r + 1}: {times[^1]:F2} s (checksum {checksum:F6})");
        }
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine($"median {median:F2} s = {(double)layers * width / median:N0} units/s");
        return 0;
    }
}
