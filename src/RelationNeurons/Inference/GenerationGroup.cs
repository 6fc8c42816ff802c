using RelationNeurons.Hooks;

namespace RelationNeurons.Inference;

/// <summary>
/// Greedy generation for one group of prompts sharing a KV cache: one prefill step for all
/// prompts, then one-row decode steps for the sequences still running. Buffers are allocated once
/// per group; the decode loop allocates nothing.
/// </summary>
internal sealed class GenerationGroup
{
    private readonly LlamaModel _model;
    private readonly IReadOnlyList<int[]> _prompts;
    private readonly int _first, _count, _maxNew;
    private readonly HookRuntime? _hooks;
    private readonly StopPredicate? _stop;
    private readonly bool _stopAtEos;
    private readonly Workspace _ws;
    private readonly PrefixResume? _resume;
    private readonly PrefixRecorder? _recorder;

    /// <param name="resume">Resume sequences from a prefix cache where it holds their rows (null: run in full).</param>
    /// <param name="recorder">Record the states of this (clean) generation into a prefix cache.</param>
    public GenerationGroup(LlamaModel model, IReadOnlyList<int[]> prompts, int first, int count, int maxNew,
        HookRuntime? hooks, StopPredicate? stop, bool stopAtEos, Workspace ws, PrefixResume? resume = null, PrefixRecorder? recorder = null)
    {
        _model = model; _prompts = prompts; _first = first; _count = count; _maxNew = maxNew;
        _hooks = hooks; _stop = stop; _stopAtEos = stopAtEos; _ws = ws; _resume = resume; _recorder = recorder;
    }

    public void Run(GenerationResult[] results)
    {
        var config = _model.Config;
        int vocab = config.VocabSize;
        var capacities = new int[_count];
        int promptTokens = 0;
        for (int i = 0; i < _count; i++) { capacities[i] = _prompts[_first + i].Length + _maxNew; promptTokens += _prompts[_first + i].Length; }
        var cache = _ws.Cache;
        cache.Reset(config.NumHiddenLayers, capacities, config.KeyValueWidth);

        var generated = new int[_count][];
        var produced = new int[_count];
        var lengths = new int[_count];
        var reasons = new StopReason?[_count];
        for (int i = 0; i < _count; i++) generated[i] = new int[_maxNew];

        var layout = new BatchLayout();
        var tokens = new int[Math.Max(promptTokens, _count)];
        var active = new int[_count];
        // Per sequence: the cached clean path it still follows (null once it departs); per row of a step, that entry.
        var follows = new PrefixEntry?[_count];
        var stepEntries = new PrefixEntry?[_count];

        // Prefill: all prompts of the group in one step.
        layout.Begin(prefill: true, decodeStep: 0);
        int at = 0;
        for (int i = 0; i < _count; i++)
        {
            var p = _prompts[_first + i];
            layout.Add(_first + i, i, 0, p.Length);
            p.CopyTo(tokens, at);
            at += p.Length;
            lengths[i] = p.Length;
            active[i] = i;
            stepEntries[i] = follows[i] = _resume?.Cache.Find(p);
        }
        int activeCount = _count;
        Step(layout, tokens.AsSpan(0, promptTokens), cache, stepEntries);
        _ws.EnsureLogits(config, _count);
        for (int s = 0; s < _count; s++) _ws.LogitRows[s] = layout.RowStart(s) + layout.RowCountOf(s) - 1;
        _model.Pass.Logits(_ws, _ws.LogitRows.AsSpan(0, _count), _ws.Logits);
        activeCount = Advance(active, activeCount, vocab, generated, produced, reasons);

        for (int step = 1; activeCount > 0; step++)
        {
            layout.Begin(prefill: false, decodeStep: step);
            for (int r = 0; r < activeCount; r++)
            {
                int i = active[r];
                layout.Add(_first + i, i, lengths[i], 1);
                tokens[r] = generated[i][produced[i] - 1];
                if (follows[i] is { } e && !e.Follows(lengths[i], tokens[r])) follows[i] = null;
                stepEntries[r] = follows[i];
                lengths[i]++;
            }
            Step(layout, tokens.AsSpan(0, activeCount), cache, stepEntries);
            for (int r = 0; r < activeCount; r++) _ws.LogitRows[r] = r;
            _model.Pass.Logits(_ws, _ws.LogitRows.AsSpan(0, activeCount), _ws.Logits);
            activeCount = Advance(active, activeCount, vocab, generated, produced, reasons);
        }

        if (_recorder is not null)
            for (int i = 0; i < _count; i++)
                _recorder.Finish(cache, i, _first + i, generated[i].AsSpan(0, Math.Max(0, produced[i] - 1)));

        for (int i = 0; i < _count; i++)
            results[_first + i] = new GenerationResult(_prompts[_first + i], generated[i].AsSpan(0, produced[i]).ToArray(), reasons[i]!.Value);
    }

    private void Step(BatchLayout layout, ReadOnlySpan<int> tokens, KvCache cache, PrefixEntry?[] entries)
    {
        if (_resume is null) _model.Pass.Run(layout, tokens, cache, _hooks, _ws);
        else _resume.Run(_model.Pass, _model.Config, layout, tokens, cache, _hooks, _ws, entries.AsSpan(0, layout.SequenceCount));
    }

    /// <summary>Takes the argmax of each active row's logits, records it, and drops finished sequences (order kept).</summary>
    private int Advance(int[] active, int activeCount, int vocab, int[][] generated, int[] produced, StopReason?[] reasons)
    {
        int kept = 0;
        for (int r = 0; r < activeCount; r++)
        {
            int i = active[r];
            int token = ArgMax(_ws.Logits.AsSpan(r * vocab, vocab));
            generated[i][produced[i]++] = token;
            var done = generated[i].AsSpan(0, produced[i]);
            if (_stopAtEos && Contains(_model.Config.EosTokenIds, token)) reasons[i] = StopReason.Eos;
            else if (_stop is not null && _stop(_first + i, done)) reasons[i] = StopReason.Predicate;
            else if (produced[i] == _maxNew) reasons[i] = StopReason.TokenBudget;
            else active[kept++] = i;
        }
        return kept;
    }

    private static bool Contains(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return true;
        return false;
    }

    /// <summary>First index of the largest value, as torch.argmax and llama2.c pick it.</summary>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        float max = values[0];
        for (int i = 1; i < values.Length; i++)
            if (values[i] > max) { max = values[i]; best = i; }
        return best;
    }
}
