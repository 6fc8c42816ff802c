using System.Collections.Concurrent;
using RelationNeurons.Hooks;
using RelationNeurons.Models;
using RelationNeurons.Tensors;
using RelationNeurons.Tokenization;

namespace RelationNeurons.Inference;

/// <summary>
/// A loaded Llama-family checkpoint and its forward pass: batched forward with hooks, and
/// batched greedy generation with a KV cache. Weights stay memory-mapped in their stored type;
/// dispose the model to release the files. Methods may be called from several threads at once.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly IModelCheckpoint _checkpoint;
    private readonly ForwardPass _pass;
    private readonly ConcurrentBag<Workspace> _workspaces = [];

    public LlamaConfig Config => _checkpoint.Config;
    /// <summary>The resolved checkpoint folder, or the full path of a GGUF file.</summary>
    public string Directory => _checkpoint.Location;
    public LlamaWeights Weights => _checkpoint.Weights;
    public EngineOptions Options { get; }
    public long MappedBytes => _checkpoint.MappedBytes;
    public IReadOnlyList<string> FilePaths => _checkpoint.FilePaths;

    private LlamaModel(IModelCheckpoint checkpoint, EngineOptions options)
    {
        _checkpoint = checkpoint; Options = options;
        _pass = new ForwardPass(checkpoint.Config, checkpoint.Weights, new RotaryEmbedding(checkpoint.Config), options, ReleaseMappedSource);
    }

    /// <summary>
    /// Once a matrix has its packed copy, its mapped pages go back to the kernel (they stay
    /// in the page cache), so the process holds the model once, not twice; anything that reads
    /// the matrix again faults them back in. Only pages of the checkpoint's own file mappings.
    /// </summary>
    private unsafe void ReleaseMappedSource(WeightMatrix w)
    {
        long bytes = (long)w.Rows * w.RowBytes;
        if (_checkpoint.Maps(w.Data, bytes)) MappedPages.Release(w.Data, bytes);
    }

    /// <summary>
    /// Loads a folder, a Hub id found in the local Hugging Face cache, or a GGUF file. Every format
    /// goes through the same memory guard and, with <see cref="EngineOptions.CheckWeights"/>, the
    /// same scan for non-finite weights.
    /// </summary>
    public static LlamaModel Load(string model, EngineOptions? options = null)
    {
        options ??= new EngineOptions();
        var checkpoint = CheckpointLoader.Open(model);
        try
        {
            var stored = StoredProjectionType(checkpoint.Weights);
            var estimate = MemoryEstimate.ForForward(checkpoint.Config, checkpoint.MappedBytes, options, stored: stored);
            if (!MemoryGuard.IsOff && estimate.PackedWeightBytes > 0)
            {
                options = MemoryGuard.WithWeightPacking(options, estimate, MemoryGuard.Available());
                estimate = MemoryEstimate.ForForward(checkpoint.Config, checkpoint.MappedBytes, options, stored: stored);
            }
            MemoryGuard.Check(estimate, $"loading {checkpoint.Location}");
            if (options.CheckWeights) checkpoint.CheckWeights();
            return new LlamaModel(checkpoint, options);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Whether the checkpoint folder holds a tokenizer (tokenizer.json or tokenizer.model), or the GGUF file's metadata does.</summary>
    public bool HasTokenizer => _checkpoint.HasTokenizer;

    /// <summary>The checkpoint's tokenizer, with BOS/EOS ids from config.json where the tokenizer files do not say.</summary>
    public ITokenizer LoadTokenizer() => _checkpoint.LoadTokenizer();

    /// <summary>Forward pass over one prompt.</summary>
    public ForwardResult Forward(int[] ids, HookSet? hooks = null, LogitsSelection logits = LogitsSelection.LastPosition) =>
        Forward([ids], hooks, logits);

    /// <summary>
    /// Forward pass over several prompts, packed into steps of at most
    /// <see cref="EngineOptions.MaxBatchTokens"/> tokens; each prompt gives exactly what it gives alone.
    /// Readers see <see cref="BatchLayout.SequenceIndex"/> = the prompt's index in <paramref name="prompts"/>.
    /// With <see cref="LogitsSelection.None"/> the pass stops after the last layer that has a reader.
    /// With a <paramref name="prefix"/> cache, prompts it holds start from its saved clean state
    /// before the first hooked tap (see <see cref="PrefixCache"/>); the results are the same.
    /// </summary>
    public ForwardResult Forward(IReadOnlyList<int[]> prompts, HookSet? hooks = null, LogitsSelection logits = LogitsSelection.LastPosition,
        PrefixCache? prefix = null)
    {
        CheckPrompts(prompts);
        var runtime = hooks is null || hooks.IsEmpty ? null : hooks.Compile(Config);
        var resume = ResumeFor(prefix, hooks);
        int vocab = Config.VocabSize;
        var result = new float[prompts.Count][];
        var ws = Rent();
        try
        {
            var layout = new BatchLayout();
            var entries = resume is null ? [] : new PrefixEntry?[prompts.Count];
            foreach (var (first, count) in Groups(prompts, 0))
            {
                // Without logits, nothing after the last reader's tap can change anything observed.
                HookPoint? stopAfter = logits == LogitsSelection.None ? runtime?.LastReader : null;
                int layerCount = logits != LogitsSelection.None ? int.MaxValue : stopAfter is { } last ? last.Layer + 1 : 0;
                int shared = resume is null ? SharedPrefixLength(prompts, first, count, runtime, logits) : 0;
                var tokens = layout.BeginPrefill(prompts, first, count, shared);
                int tokenCount = tokens.Length;
                if (resume is not null)
                    for (int i = first; i < first + count; i++) entries[i - first] = resume.Cache.Find(prompts[i]);
                if (shared > 0)
                {
                    RunSharedPrefix(prompts, first, count, shared, runtime, ws, layerCount, stopAfter);
                    _pass.Run(layout, tokens, ws.Cache, runtime, ws, layerCount, stopAfter: stopAfter);
                }
                else if (resume is not null && resume.Point.Layer < layerCount)
                    resume.Run(_pass, Config, layout, tokens, null, runtime, ws, entries.AsSpan(0, count), layerCount, stopAfter);
                else
                    _pass.Run(layout, tokens, null, runtime, ws, layerCount, stopAfter: stopAfter);
                if (logits == LogitsSelection.None)
                {
                    for (int i = first; i < first + count; i++) result[i] = [];
                    continue;
                }
                int rowCount = logits == LogitsSelection.AllPositions ? tokenCount : count;
                ws.EnsureLogits(Config, rowCount);
                var rows = ws.LogitRows.AsSpan(0, rowCount);
                for (int s = 0, r = 0; s < count; s++)
                {
                    if (logits == LogitsSelection.AllPositions)
                        for (int j = 0; j < layout.RowCountOf(s); j++) rows[r++] = layout.RowStart(s) + j;
                    else
                        rows[r++] = layout.RowStart(s) + layout.RowCountOf(s) - 1;
                }
                _pass.Logits(ws, rows, ws.Logits);
                for (int s = 0, r = 0; s < count; s++)
                {
                    int n = logits == LogitsSelection.AllPositions ? layout.RowCountOf(s) : 1;
                    result[first + s] = ws.Logits.AsSpan(r * vocab, n * vocab).ToArray();
                    r += n;
                }
            }
        }
        finally { Return(ws); }
        return new ForwardResult(vocab, logits, result);
    }

    /// <summary>
    /// Greedy generation for several prompts at once. Each prompt stops on its own: on an EOS id
    /// of the config (when <paramref name="stopAtEos"/>), when <paramref name="stop"/> says so, or after
    /// <paramref name="maxNewTokens"/> tokens. Writers in <paramref name="hooks"/> act on the
    /// prompt and on every generated token. With a <paramref name="prefix"/> cache, prompts it holds
    /// start from its saved clean state before the first hooked tap, and so do generated tokens as
    /// long as they agree with the clean continuation (see <see cref="PrefixCache"/>); the results are the same.
    /// </summary>
    public GenerationResult[] Generate(IReadOnlyList<int[]> prompts, int maxNewTokens, HookSet? hooks = null,
        StopPredicate? stop = null, bool stopAtEos = true, PrefixCache? prefix = null)
    {
        CheckPrompts(prompts);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var results = new GenerationResult[prompts.Count];
        if (maxNewTokens == 0)
        {
            for (int i = 0; i < prompts.Count; i++) results[i] = new GenerationResult(prompts[i], [], StopReason.TokenBudget);
            return results;
        }
        var runtime = hooks is null || hooks.IsEmpty ? null : hooks.Compile(Config);
        var resume = ResumeFor(prefix, hooks);
        var ws = Rent();
        try
        {
            foreach (var (first, count) in Groups(prompts, maxNewTokens))
                new GenerationGroup(this, prompts, first, count, maxNewTokens, runtime, stop, stopAtEos, ws, resume).Run(results);
        }
        finally { Return(ws); }
        return results;
    }

    /// <summary>
    /// Clean greedy generation of <paramref name="prompts"/> (as <see cref="Generate(IReadOnlyList{int[]}, int, HookSet?, StopPredicate?, bool, PrefixCache?)"/>
    /// without hooks) that keeps its states for later runs with writers: see <see cref="PrefixCache"/>.
    /// With <paramref name="maxNewTokens"/> 0 only the prompts are kept (for <see cref="Forward(IReadOnlyList{int[]}, HookSet?, LogitsSelection, PrefixCache?)"/>
    /// or generation that departs from the first token on). The cache holds at most
    /// <see cref="PrefixCacheOptions.MaxBytes"/>, estimated before the run from the token budget:
    /// over it the highest layers are dropped, and with none left nothing is kept (runs then go in full).
    /// </summary>
    public PrefixCache BuildPrefixCache(IReadOnlyList<int[]> prompts, int maxNewTokens = 0, StopPredicate? stop = null,
        bool stopAtEos = true, PrefixCacheOptions? options = null)
    {
        CheckPrompts(prompts);
        return PrefixCacheBuilder.Build(this, prompts, maxNewTokens, stop, stopAtEos, options);
    }

    /// <summary>How a run with <paramref name="hooks"/> resumes from <paramref name="prefix"/>: null when it cannot skip anything.</summary>
    private PrefixResume? ResumeFor(PrefixCache? prefix, HookSet? hooks)
    {
        if (prefix is null) return null;
        if (!ReferenceEquals(prefix.Model, this)) throw new ArgumentException("the prefix cache was built by another model", nameof(prefix));
        var point = prefix.EffectivePoint(PrefixCache.NeededPoint(hooks));
        return point.IsStart || prefix.Count == 0 ? null : new PrefixResume(prefix, point);
    }

    /// <summary>Greedy generation for one prompt.</summary>
    public GenerationResult Generate(int[] ids, int maxNewTokens, HookSet? hooks = null, StopPredicate? stop = null, bool stopAtEos = true) =>
        Generate([ids], maxNewTokens, hooks, stop, stopAtEos)[0];

    internal ForwardPass Pass => _pass;

    /// <summary>The stored type of the projections, what a float32 packed copy is made of (<see cref="MemoryEstimate.PackedWeights"/>); null where rows are mapped.</summary>
    public WeightType? ProjectionType => StoredProjectionType(Weights);

    private static WeightType? StoredProjectionType(LlamaWeights weights) =>
        weights.Layers.Count == 0 || weights.Layers[0].Gate.RowMap is not null ? null : weights.Layers[0].Gate.Type;

    /// <summary>
    /// Tokens all prompts of a step start with that may be run once (0: none). Each prompt keeps at
    /// least one token of its own; all-position logits would need the prefix rows per prompt.
    /// </summary>
    private int SharedPrefixLength(IReadOnlyList<int[]> prompts, int first, int count, HookRuntime? runtime, LogitsSelection logits)
    {
        if (logits == LogitsSelection.AllPositions || (runtime is not null && !runtime.AllowsSharedPrefix)) return 0;
        return SharedPrefixLength(prompts, first, count, Options);
    }

    /// <summary>The shared-prefix rule alone (options, prompt count, common tokens): also what the bench counts rows with.</summary>
    internal static int SharedPrefixLength(IReadOnlyList<int[]> prompts, int first, int count, EngineOptions options)
    {
        if (!options.SharePromptPrefixes || count < Math.Max(2, options.SharedPrefixMinPrompts)) return 0;
        var head = prompts[first];
        int length = head.Length - 1;
        for (int i = first + 1; i < first + count && length > 0; i++)
            length = Math.Min(head.AsSpan(0, length).CommonPrefixLength(prompts[i]), prompts[i].Length - 1);
        return length;
    }

    /// <summary>
    /// Runs the first <paramref name="shared"/> tokens of prompt <paramref name="first"/> (common to
    /// the step) as a step of their own into cache slot 0, then gives every other slot a copy of
    /// those keys and values, so the prompts continue from them as from their own history.
    /// </summary>
    private void RunSharedPrefix(IReadOnlyList<int[]> prompts, int first, int count, int shared, HookRuntime? runtime, Workspace ws, int layerCount,
        HookPoint? stopAfter)
    {
        var capacities = new int[count];
        for (int i = 0; i < count; i++) capacities[i] = prompts[first + i].Length;
        int layers = Config.NumHiddenLayers, kvw = Config.KeyValueWidth;
        var cache = ws.Cache;
        cache.Reset(layers, capacities, kvw);
        var layout = new BatchLayout();
        layout.Begin(prefill: true, decodeStep: 0, sharedPrefix: true);
        layout.Add(first, 0, 0, shared);
        _pass.Run(layout, prompts[first].AsSpan(0, shared), cache, runtime, ws, layerCount, stopAfter: stopAfter);
        for (int l = 0; l < Math.Min(layerCount, layers); l++)
        {
            var keys = cache.Keys(l, 0)[..(shared * kvw)];
            var values = cache.Values(l, 0)[..(shared * kvw)];
            for (int slot = 1; slot < count; slot++)
            {
                keys.CopyTo(cache.Keys(l, slot));
                values.CopyTo(cache.Values(l, slot));
            }
        }
    }

    /// <summary>Consecutive prompt ranges that fit the token and KV-cache budgets (at least one prompt each).</summary>
    internal IEnumerable<(int First, int Count)> Groups(IReadOnlyList<int[]> prompts, int maxNewTokens)
    {
        int first = 0;
        while (first < prompts.Count)
        {
            int count = 0;
            long tokens = 0, cachePositions = 0;
            while (first + count < prompts.Count)
            {
                int len = prompts[first + count].Length;
                long nextTokens = tokens + len, nextPositions = cachePositions + len + maxNewTokens;
                bool fits = nextTokens <= Options.MaxBatchTokens &&
                            (maxNewTokens == 0 || KvCache.BytesFor(Config.NumHiddenLayers, nextPositions, Config.KeyValueWidth) <= Options.MaxKvCacheBytes);
                if (count > 0 && !fits) break;
                tokens = nextTokens; cachePositions = nextPositions; count++;
            }
            yield return (first, count);
            first += count;
        }
    }

    private void CheckPrompts(IReadOnlyList<int[]> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        for (int i = 0; i < prompts.Count; i++)
        {
            var p = prompts[i] ?? throw new ArgumentNullException(nameof(prompts), $"prompt {i} is null");
            if (p.Length == 0) throw new UserInputException($"prompt {i} is empty; give at least one token (usually BOS)");
            foreach (int id in p)
                if ((uint)id >= (uint)Config.VocabSize)
                    throw new UserInputException($"prompt {i}: token id {id} is out of range for the vocabulary of {Config.VocabSize}");
        }
    }

    internal Workspace Rent() => _workspaces.TryTake(out var ws) ? ws : new Workspace();
    internal void Return(Workspace ws) => _workspaces.Add(ws);

    public void Dispose() => _checkpoint.Dispose();
}
