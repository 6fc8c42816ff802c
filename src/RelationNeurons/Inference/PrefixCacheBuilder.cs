using RelationNeurons.Models;

namespace RelationNeurons.Inference;

/// <summary>
/// Builds a <see cref="PrefixCache"/>: fits the wanted layers into the byte budget (dropping the
/// highest first), then runs the clean greedy generation with a <see cref="PrefixRecorder"/>
/// attached so that later runs with writers can start from the saved states.
/// </summary>
internal static class PrefixCacheBuilder
{
    public static PrefixCache Build(LlamaModel model, IReadOnlyList<int[]> prompts, int maxNewTokens, StopPredicate? stop,
        bool stopAtEos, PrefixCacheOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var config = model.Config;
        var wanted = (options?.Layers ?? Enumerable.Range(0, config.NumHiddenLayers).ToArray()).Distinct().Order().ToArray();
        foreach (int l in wanted)
            if ((uint)l >= (uint)config.NumHiddenLayers)
                throw new UserInputException($"prefix cache layer {l} is outside the model's layers 0..{config.NumHiddenLayers - 1}");
        long budget = options?.MaxBytes ?? model.Options.MaxPrefixCacheBytes;
        int maxFed = Math.Max(0, maxNewTokens - 1);
        var layers = LayersWithinBudget(config, wanted, prompts, maxFed, budget);
        int kept = layers.Length;
        string? notice = kept == wanted.Length ? null :
            $"prefix cache over its budget of {budget} bytes: kept layers {(kept == 0 ? "none" : string.Join(',', layers))} of {string.Join(',', wanted)}";

        var recorder = new PrefixRecorder(config, layers, prompts, maxFed);
        var runtime = kept == 0 ? null : recorder.Hooks().Compile(config);
        // One token is always generated (not fed back) so that the prompts' states are recorded; with a budget of 0 it is dropped.
        int generate = Math.Max(1, maxNewTokens);
        var results = new GenerationResult[prompts.Count];
        var ws = model.Rent();
        try
        {
            foreach (var (first, count) in model.Groups(prompts, generate))
                new GenerationGroup(model, prompts, first, count, generate, runtime, stop, stopAtEos, ws, null, kept == 0 ? null : recorder).Run(results);
        }
        finally { model.Return(ws); }
        if (maxNewTokens == 0)
            for (int i = 0; i < results.Length; i++) results[i] = new GenerationResult(prompts[i], [], StopReason.TokenBudget);
        var entries = new Dictionary<int[], PrefixEntry>(PromptComparer.Instance);
        if (kept > 0)
            foreach (var e in recorder.Entries) entries.TryAdd(e.Prompt, e);
        return new PrefixCache(model, layers, entries, results, notice);
    }

    /// <summary>The lowest of <paramref name="wanted"/> (sorted) whose states for every prompt position fit in <paramref name="budget"/> bytes.</summary>
    private static int[] LayersWithinBudget(LlamaConfig config, int[] wanted, IReadOnlyList<int[]> prompts, int maxFed, long budget)
    {
        long positions = 0;
        foreach (var p in prompts) positions += p.Length + maxFed;
        int kept = wanted.Length;
        while (kept > 0 && positions * PrefixCache.BytesPerPosition(config, kept, wanted[kept - 1]) > budget) kept--;
        return wanted[..kept];
    }
}
