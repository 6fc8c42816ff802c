using System.Globalization;
using RelationNeurons.Bench;

// Formatting and parsing must not follow the machine's locale (LANG=de_DE would print "0,5" and
// read "0.5" as 5): the process uses ICU for Unicode normalisation, but the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// Verb-style runner: `dotnet run -c Release --project bench/RelationNeurons.Bench -- <verb> [options]`.
// Each benchmark is one class; add it to the table below with one line.
var verbs = new Dictionary<string, (string Help, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["gemm"] = ("matrix kernels: FMA peak, x·Wᵀ GFLOP/s for F32/BF16/F16 weights, m=1/16 bandwidth", GemmBench.Run),
    ["tile"] = ("one float32 dot tile on the same operands over and over: its speed without the planner", TileBench.Run),
    ["expertise"] = ("expertise scoring: AP of 100,000 units x 4,000 prompts", ExpertiseBench.Run),
    ["compute-agreement"] = ("greedy answers with --compute bf16 against float32 on a prompt file (share of equal ids)", ComputeAgreement.Run),
    ["perf"] = ("prefill/generation/AP suite with libtorch and llama.cpp peers, each case in a child process (docs/benchmarks.md)", PerfSuite.Run),
    ["perf-case"] = ("one case of the perf suite in this process (used by perf)", PerfCase.Run),
    ["perf-check"] = ("peers' logits against ours on the same weights", PerfCheck.Run),
    ["families"] = ("prefill of each family's synthetic model against Llama's of the same shape, per FLOP, interleaved", FamiliesBench.Run),
    ["synthetic"] = ("writes (once) the named synthetic model and prints its folder: synthetic tinyllama", a => { Console.WriteLine(SyntheticModel.Ensure(a.Length > 0 ? a[0] : "tinyllama")); return 0; }),
    ["stream-memory"] = ("peak RSS of record --stream-layers against the chunked record, each in a child process", StreamMemoryBench.Run),
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine("usage: RelationNeurons.Bench <verb> [options]");
    foreach (var (name, v) in verbs) Console.Error.WriteLine($"  {name,-8} {v.Help}");
    return args.Length == 0 ? 0 : 2;
}
return verb.Run(args[1..]);
