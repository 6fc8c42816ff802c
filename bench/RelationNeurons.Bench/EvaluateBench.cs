using System.Text.Json.Nodes;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Models;

namespace RelationNeurons.Bench;

/// <summary>
/// The evaluate stage's cost with deactivation confined to layers ≥ l: 64 prompts × 8 new tokens
/// with N random <c>mlp.hook_post</c> units of layers l..L−1 zeroed, run in full and resumed from a
/// <see cref="PrefixCache"/> of the clean run. The resumed run should cost what it recomputes and
/// no more: layers l..L−1 for prompt rows and for decode rows whose tokens still agree with the
/// clean continuation, every layer for rows that departed, plus the LM head for each logits row.
/// That work is priced two ways: as a share of the full run's matrix-product FLOPs
/// (<c>ideal_share</c>), and with prefill and decode work each priced at what it costs in the full
/// run (<c>priced_share</c>: the full run's prefill time, measured as the same generation with one
/// new token, times the prefill FLOP share, plus its decode time times the decode FLOP share).
/// The second is the fair yardstick when the resumed work is mostly decode rows (l near the top),
/// which cost more per FLOP than prefill rows (64 rows per step against 896, the KV cache read).
/// Options: --model, --from-layers 0,L/2,L-1 (default), --deactivate N (6000), --prompts 64,
/// --new-tokens 8, --runs R.
/// </summary>
internal static class EvaluateBench
{
    public static JsonObject Run(BenchArgs a)
    {
        int runs = a.Int("runs", 5), count = a.Int("prompts", 64), newTokens = a.Int("new-tokens", 8), deactivate = a.Int("deactivate", 6000);
        string dir = PerfCommon.ResolveModel(a.Str("model", "tinyllama"));
        using var model = LlamaModel.Load(dir);
        var c = model.Config;
        int layers = c.NumHiddenLayers;
        var fromLayers = a.Str("from-layers", $"0,{layers / 2},{layers - 1}").Split(',').Select(int.Parse).Distinct().ToArray();
        var prompts = PerfCommon.Prompts(count, c.VocabSize);
        var cases = new JsonArray();
        foreach (int from in fromLayers)
        {
            var hooks = new HookSet().Deactivate(PerfCommon.RandomUnits(c, from, deactivate, seed: 13 + from));
            // Only layer l's clean state (and the keys/values below it) is needed to resume at l.
            var cacheOptions = new PrefixCacheOptions { Layers = [from], MaxBytes = long.MaxValue };
            PrefixCache? prefix = null;
            var buildTimes = PerfCommon.Time(1, () => prefix = model.BuildPrefixCache(prompts, newTokens, stop: null, stopAtEos: false, cacheOptions));
            GenerationResult[]? full = null, resumed = null;
            // Interleaved, so that the machine's drift during the case cancels in the ratios. The
            // full run's prefill alone is the same generation stopped at its first new token.
            var times = PerfCommon.TimeInterleaved(runs,
                () => full = model.Generate(prompts, newTokens, hooks, stop: null, stopAtEos: false),
                () => resumed = model.Generate(prompts, newTokens, hooks, stop: null, stopAtEos: false, prefix: prefix),
                () => model.Generate(prompts, 1, hooks, stop: null, stopAtEos: false));
            var (fullTimes, resumedTimes, prefillTimes) = (times[0], times[1], times[2]);
            for (int i = 0; i < count; i++)
                if (!full![i].NewIds.SequenceEqual(resumed![i].NewIds))
                    throw new InvalidOperationException($"resumed generation differs from the full run at prompt {i}");
            var work = IdealShare(c, prompts, prefix!.Clean, full!, from);
            double tFull = PerfCommon.Median(fullTimes), tResumed = PerfCommon.Median(resumedTimes);
            double tPrefill = Math.Min(PerfCommon.Median(prefillTimes), tFull);
            double priced = (tPrefill * work.PrefillShare + (tFull - tPrefill) * work.DecodeShare) / tFull;
            Console.Error.WriteLine($"  evaluate from layer {from}: full {tFull:F2} s (prefill {tPrefill:F2} s), resumed {tResumed:F2} s = {tResumed / tFull:F3} of full; " +
                $"FLOP share {work.Share:F3}, priced share {priced:F3} → resumed / priced {tResumed / tFull / priced:F3} (load {PerfCommon.Load1()})");
            cases.Add(new JsonObject
            {
                ["from_layer"] = from, ["deactivated_units"] = deactivate, ["full_median_s"] = tFull, ["resumed_median_s"] = tResumed,
                ["full_prefill_median_s"] = tPrefill, ["prefill_flop_share"] = work.PrefillShare, ["decode_flop_share"] = work.DecodeShare,
                ["resumed_over_full"] = tResumed / tFull, ["ideal_share"] = work.Share, ["resumed_over_ideal"] = tResumed / tFull / work.Share,
                ["priced_share"] = priced, ["resumed_over_priced"] = tResumed / tFull / priced,
                ["prefix_build_s"] = buildTimes[0], ["prefix_bytes"] = prefix.Bytes, ["rows_resumed"] = work.Resumed, ["rows_departed"] = work.Departed,
                ["full_runs_s"] = new JsonArray(fullTimes.Select(t => (JsonNode?)t).ToArray()),
                ["resumed_runs_s"] = new JsonArray(resumedTimes.Select(t => (JsonNode?)t).ToArray()),
            });
        }
        return new JsonObject
        {
            ["engine"] = "ours", ["model"] = a.Str("model", "tinyllama"), ["prompts"] = count, ["new_tokens"] = newTokens, ["layers"] = layers, ["results"] = cases,
        };
    }

    /// <summary>
    /// The resumed run's matrix-product FLOPs over the full run's, overall and separately for the
    /// prefill step (prompt rows, their last-row logits) and the decode steps. Rows fed: every
    /// prompt token, then generated tokens 1..n−1; a generated token's row is resumable while all
    /// generated tokens up to it equal the clean run's, and resumes at layer l's saved
    /// <c>mlp.hook_post</c> (the writers' tap), so only down_proj of l and the layers above run.
    /// Logits rows (last prompt token, each fed token) add the LM head.
    /// </summary>
    private static ResumedWork IdealShare(LlamaConfig c, int[][] prompts, IReadOnlyList<GenerationResult> clean,
        GenerationResult[] hooked, int from)
    {
        double perLayer = PerfCommon.FlopsPerToken(c) / c.NumHiddenLayers, head = 2.0 * c.HiddenSize * c.VocabSize;
        int layers = c.NumHiddenLayers;
        double resumedRow = 2.0 * c.IntermediateSize * c.HiddenSize + perLayer * (layers - from - 1);
        double fullPrefill = 0, resumedPrefill = 0, fullDecode = 0, resumedDecode = 0;
        long resumedRows = 0, departedRows = 0;
        for (int i = 0; i < prompts.Length; i++)
        {
            long promptRows = prompts[i].Length;
            fullPrefill += promptRows * perLayer * layers + head;
            resumedPrefill += promptRows * resumedRow + head;
            resumedRows += promptRows;
            var ids = hooked[i].NewIds;
            for (int t = 1; t < ids.Length; t++)
            {
                bool agrees = clean[i].NewIds.Length >= t && ids.AsSpan(0, t).SequenceEqual(clean[i].NewIds.AsSpan(0, t));
                fullDecode += perLayer * layers + head;
                resumedDecode += (agrees ? resumedRow : perLayer * layers) + head;
                if (agrees) resumedRows++; else departedRows++;
            }
        }
        return new ResumedWork((resumedPrefill + resumedDecode) / (fullPrefill + fullDecode), resumedPrefill / fullPrefill,
            fullDecode > 0 ? resumedDecode / fullDecode : 0, resumedRows, departedRows);
    }

    private readonly record struct ResumedWork(double Share, double PrefillShare, double DecodeShare, long Resumed, long Departed);
}
