using RelationNeurons.Hooks;
using RelationNeurons.Models;

namespace RelationNeurons.Inference;

/// <summary>
/// Runs forward steps from a <see cref="PrefixCache"/>: sequences whose rows the cache holds start
/// at <see cref="Point"/> from the saved state; the others are first computed up to that point in a
/// step of their own (no hook lies before it). Both then go through the rest of the model together,
/// in the step's own layout, so hooks and logits see exactly what a full step gives.
/// </summary>
internal sealed class PrefixResume(PrefixCache cache, LayerPoint point)
{
    public PrefixCache Cache { get; } = cache;
    public LayerPoint Point { get; } = point;

    /// <summary>
    /// One step of <paramref name="batch"/>; <paramref name="entries"/>[s] holds batch sequence s's
    /// rows, or is null when the cache does not (computed in full up to the point).
    /// </summary>
    public void Run(ForwardPass pass, LlamaConfig c, BatchLayout batch, ReadOnlySpan<int> tokens, KvCache? kv,
        HookRuntime? hooks, Workspace ws, ReadOnlySpan<PrefixEntry?> entries, int layerCount = int.MaxValue, HookPoint? stopAfter = null)
    {
        int cached = 0;
        for (int s = 0; s < batch.SequenceCount; s++) if (entries[s] is not null) cached++;
        if (cached == 0)
        {
            pass.Run(batch, tokens, kv, hooks, ws, layerCount, stopAfter: stopAfter);
            return;
        }

        int rows = batch.RowCount, h = c.HiddenSize, f = c.IntermediateSize, kvw = c.KeyValueWidth;
        bool withUp = Point.Stage == LayerStage.MlpPost;
        // Sized for the whole step first, so that neither pass below reallocates what the other filled.
        ws.Ensure(c, rows, batch.SequenceCount * c.NumAttentionHeads, batch.MaxContext);
        ws.EnsureSaved(c, rows, withUp);

        if (cached < batch.SequenceCount) RunUncached(pass, c, batch, tokens, kv, ws, entries, withUp);

        int kvLayers = kv is null ? 0 : Point.KeyValueLayersBefore;
        int k = Cache.KeptIndex(Point.Layer);
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            var e = entries[s];
            if (e is null) continue;
            int start = batch.RowStart(s), count = batch.RowCountOf(s), past = batch.PastLength(s);
            var residual = Point.Stage == LayerStage.Attention ? e.ResidPre[k] : e.ResidMid[k];
            residual.AsSpan(past * h, count * h).CopyTo(ws.SavedResidual.AsSpan(start * h));
            if (withUp) e.MlpPost[k].AsSpan(past * f, count * f).CopyTo(ws.SavedUp.AsSpan(start * f));
            int slot = batch.CacheSlot(s);
            for (int l = 0; l < kvLayers; l++)
            {
                e.Keys[l].AsSpan(past * kvw, count * kvw).CopyTo(kv!.Keys(l, slot)[(past * kvw)..]);
                e.Values[l].AsSpan(past * kvw, count * kvw).CopyTo(kv.Values(l, slot)[(past * kvw)..]);
            }
        }
        ws.SavedResidual.AsSpan(0, rows * h).CopyTo(ws.Residual);
        if (withUp) ws.SavedUp.AsSpan(0, rows * f).CopyTo(ws.Up);
        pass.Run(batch, tokens, kv, hooks, ws, layerCount, from: Point, stopAfter: stopAfter);
    }

    /// <summary>The sequences the cache does not hold, up to the point, in a step of their own; their state goes to the saved buffers at their rows.</summary>
    private void RunUncached(ForwardPass pass, LlamaConfig c, BatchLayout batch, ReadOnlySpan<int> tokens, KvCache? kv, Workspace ws,
        ReadOnlySpan<PrefixEntry?> entries, bool withUp)
    {
        int h = c.HiddenSize, f = c.IntermediateSize;
        var sub = ws.SubLayout;
        sub.Begin(batch.IsPrefill, batch.DecodeStep);
        if (ws.SubTokens.Length < batch.RowCount) ws.SubTokens = new int[batch.RowCount];
        int at = 0;
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            if (entries[s] is not null) continue;
            int start = batch.RowStart(s), count = batch.RowCountOf(s);
            sub.Add(batch.SequenceIndex(s), batch.CacheSlot(s), batch.PastLength(s), count);
            tokens.Slice(start, count).CopyTo(ws.SubTokens.AsSpan(at));
            at += count;
        }
        pass.Run(sub, ws.SubTokens.AsSpan(0, at), kv, null, ws, int.MaxValue, LayerPoint.Start, Point);
        for (int s = 0, u = 0; s < batch.SequenceCount; s++)
        {
            if (entries[s] is not null) continue;
            int start = batch.RowStart(s), count = batch.RowCountOf(s), from = sub.RowStart(u++);
            ws.Residual.AsSpan(from * h, count * h).CopyTo(ws.SavedResidual.AsSpan(start * h));
            if (withUp) ws.Up.AsSpan(from * f, count * f).CopyTo(ws.SavedUp.AsSpan(start * f));
        }
    }
}
