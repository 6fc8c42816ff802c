using RelationNeurons.Hooks;
using System.Globalization;
using System.Text.Json.Nodes;
using RelationNeurons.Inference;
using RelationNeurons.Models;

namespace RelationNeurons.Bench;

/// <summary>
/// `families [--base tinyllama] [--batch 16] [--runs 3] [--families mistral,qwen2,qwen3,gemma,gemma2]`:
/// prefill (last-position logits) of each family's synthetic model at the base model's shape,
/// timed interleaved with the Llama model of that shape (one warm-up each, then alternating runs,
/// in both orders), so the machine's drift hits both alike. Throughput is compared per FLOP: the matrix products of
/// the computed rows plus the LM head of the last positions (Gemma's 256k vocabulary costs 8× Llama's
/// there), so a family whose extra work (biases, norms, GeLU, soft-caps, windows) is cheap scores ≈ 1.
/// </summary>
internal static class FamiliesBench
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        string basis = a.Str("base", "tinyllama");
        int batch = a.Int("batch", 16), runs = a.Int("runs", 3);
        var families = a.Str("families", "mistral,qwen2,qwen3,gemma,gemma2").Split(',', StringSplitOptions.RemoveEmptyEntries);
        // "last": the evaluation's pass (last-position logits; a 256k-vocabulary head is a memory-bound
        // read of its whole matrix per step); "none": the record's pass, which asks for no logits.
        string logitsName = a.Str("logits", "last");
        var logits = logitsName switch
        {
            "last" => LogitsSelection.LastPosition,
            "none" => LogitsSelection.None,
            _ => throw new ArgumentException($"--logits '{logitsName}': expected last or none"),
        };
        using var llama = LlamaModel.Load(PerfCommon.ResolveModel(basis));
        // The same ids for every model (the smallest vocabulary).
        var prompts = PerfCommon.Prompts(batch, llama.Config.VocabSize);
        var rows = new JsonArray();
        foreach (string family in families)
        {
            using var other = LlamaModel.Load(PerfCommon.ResolveModel($"{basis}-{family}"));
            // Without logits a pass stops after its last reader: read the last layer's down_proj, as an ffn record does.
            HookSet? Reader(LlamaModel m) => logits == LogitsSelection.None
                ? new HookSet().AddReader(new HookPoint(m.Config.NumHiddenLayers - 1, TapKind.MlpOut), (_, _, _, _) => { })
                : null;
            var llamaHooks = Reader(llama);
            var otherHooks = Reader(other);
            Action runLlama = () => llama.Forward(prompts, llamaHooks, logits);
            Action runOther = () => other.Forward(prompts, otherHooks, logits);
            // Both orders (Llama first, then the family first), so that a bias of the position in a round cancels too.
            var first = PerfCommon.TimeInterleaved(runs, runLlama, runOther);
            var second = PerfCommon.TimeInterleaved(runs, runOther, runLlama);
            double llamaS = PerfCommon.Median(first[0].Concat(second[1])), otherS = PerfCommon.Median(first[1].Concat(second[0]));
            double llamaFlops = Flops(llama, prompts, logits), otherFlops = Flops(other, prompts, logits);
            double ratio = otherFlops / otherS / (llamaFlops / llamaS);
            int tokens = prompts.Sum(p => p.Length);
            rows.Add(new JsonObject
            {
                ["family"] = other.Config.Architecture,
                ["features"] = string.Join("; ", other.Config.Features),
                ["tokens"] = tokens,
                ["llama_s"] = llamaS, ["family_s"] = otherS,
                ["llama_gflop"] = llamaFlops / 1e9, ["family_gflop"] = otherFlops / 1e9,
                ["llama_gflops"] = llamaFlops / llamaS / 1e9, ["family_gflops"] = otherFlops / otherS / 1e9,
                ["throughput_per_flop_vs_llama"] = ratio,
                ["load1_end"] = PerfCommon.Load1(),
            });
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{other.Config.Architecture,-20} {tokens / otherS,7:F1} tok/s ({otherFlops / otherS / 1e9,6:F1} GFLOP/s) vs Llama {tokens / llamaS,7:F1} tok/s ({llamaFlops / llamaS / 1e9,6:F1} GFLOP/s): per FLOP {ratio:F3} (load {PerfCommon.Load1()})"));
        }
        Console.WriteLine("RESULT " + new JsonObject { ["case"] = "families", ["base"] = basis, ["batch"] = batch, ["runs"] = runs, ["logits"] = logitsName, ["results"] = rows }.ToJsonString());
        return 0;
    }

    /// <summary>Matrix-product FLOPs of one prefill: every computed row through all layers, plus (with last-position logits) the LM head of each prompt's last row.</summary>
    private static double Flops(LlamaModel model, int[][] prompts, LogitsSelection logits)
    {
        var c = model.Config;
        long computed = PerfCommon.ComputedRows(prompts, model.Options);
        double head = logits == LogitsSelection.LastPosition ? 2.0 * c.HiddenSize * c.VocabSize * prompts.Length : 0;
        return PerfCommon.FlopsPerToken(c) * computed + head;
    }
}
