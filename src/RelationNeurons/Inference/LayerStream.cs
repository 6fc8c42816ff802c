using RelationNeurons.Hooks;
using RelationNeurons.Models;
using RelationNeurons.Tensors;

namespace RelationNeurons.Inference;

/// <summary>
/// Runs a model one decoder layer at a time over a whole prompt set, for models larger than
/// memory: the caller keeps every prompt's hidden state (packed rows, one per token, float32)
/// between layers, embeds the prompts, then asks for layer 0, then 1, ...; after a stage its weight
/// pages can be given back (<see cref="ReleaseEmbedding"/>, <see cref="ReleaseLayer"/>), so only
/// about one layer's weights stay resident.
/// Each layer runs the same forward pass as <see cref="LlamaModel.Forward(IReadOnlyList{int[]}, HookSet?, LogitsSelection, PrefixCache?)"/>
/// resumed from the saved residual, with the same packing into steps, so taps see the same values
/// bit for bit.
/// </summary>
public sealed class LayerStream(LlamaModel model)
{
    public LlamaConfig Config => model.Config;

    /// <summary>Hidden-state rows the prompts take (one per token).</summary>
    public static long Rows(IReadOnlyList<int[]> prompts)
    {
        long rows = 0;
        foreach (var p in prompts) rows += p.Length;
        return rows;
    }

    /// <summary>
    /// The input of layer 0: each prompt's token embeddings, packed into <paramref name="hidden"/>
    /// (rows of prompt 0, then prompt 1, ...; <see cref="Rows"/> × hidden size floats).
    /// </summary>
    public void Embed(IReadOnlyList<int[]> prompts, Span<float> hidden)
    {
        CheckPrompts(prompts);
        Run(prompts, hidden, (layout, tokens, ws) =>
            model.Pass.Run(layout, tokens, null, null, ws, to: new LayerPoint(0, LayerStage.Attention)), embed: true);
    }

    /// <summary>
    /// Runs decoder layer <paramref name="layer"/> on <paramref name="prompts"/>, whose hidden
    /// states are packed in <paramref name="hidden"/> (as <see cref="Embed"/> leaves them) and
    /// replaced by the layer's output. Readers in <paramref name="hooks"/> on this layer see
    /// <see cref="BatchLayout.SequenceIndex"/> = the prompt's index in <paramref name="prompts"/>;
    /// hooks on other layers never run.
    /// </summary>
    public void RunLayer(int layer, IReadOnlyList<int[]> prompts, Span<float> hidden, HookSet? hooks = null)
    {
        var c = model.Config;
        if ((uint)layer >= (uint)c.NumHiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} is outside 0..{c.NumHiddenLayers - 1}");
        CheckPrompts(prompts);
        var runtime = hooks is null || hooks.IsEmpty ? null : hooks.Compile(c);
        // Layer 0 resumes at the start: with no tokens given, the pass embeds nothing and keeps the state put in.
        Run(prompts, hidden, (layout, _, ws) =>
            model.Pass.Run(layout, [], null, runtime, ws, layerCount: layer + 1, from: new LayerPoint(layer, LayerStage.Attention)), embed: false);
    }

    /// <summary>
    /// Packs the prompts into steps as <see cref="LlamaModel.Forward(IReadOnlyList{int[]}, HookSet?, LogitsSelection, PrefixCache?)"/>
    /// does, puts each step's hidden rows into the residual buffer (unless embedding), runs
    /// <paramref name="pass"/> and copies the residual back.
    /// </summary>
    private void Run(IReadOnlyList<int[]> prompts, Span<float> hidden, Action<BatchLayout, int[], Workspace> pass, bool embed)
    {
        var c = model.Config;
        int h = c.HiddenSize;
        long rows = Rows(prompts);
        if (hidden.Length != rows * h)
            throw new ArgumentException($"hidden holds {hidden.Length} floats, expected {rows} rows × {h}", nameof(hidden));
        var ws = model.Rent();
        try
        {
            var layout = new BatchLayout();
            int rowOffset = 0;
            foreach (var (first, count) in model.Groups(prompts, 0))
            {
                var packed = layout.BeginPrefill(prompts, first, count);
                int tokenCount = packed.Length;
                // Past layer 0 no tokens are given: the pass then embeds nothing and keeps the state put in.
                var tokens = embed ? packed : [];
                // Grow the buffers before the state goes in: growing replaces them.
                ws.Ensure(c, tokenCount, count * c.NumAttentionHeads, layout.MaxContext);
                var state = hidden.Slice(rowOffset * h, tokenCount * h);
                if (!embed) state.CopyTo(ws.Residual);
                pass(layout, tokens, ws);
                ws.Residual.AsSpan(0, tokenCount * h).CopyTo(state);
                rowOffset += tokenCount;
            }
        }
        finally { model.Return(ws); }
    }

    private void CheckPrompts(IReadOnlyList<int[]> prompts)
    {
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i].Length == 0) throw new UserInputException($"prompt {i} is empty; give at least one token (usually BOS)");
            foreach (int id in prompts[i])
                if ((uint)id >= (uint)model.Config.VocabSize)
                    throw new UserInputException($"prompt {i}: token id {id} is out of range for the vocabulary of {model.Config.VocabSize}");
        }
    }

    /// <summary>Stored bytes of layer <paramref name="layer"/>'s seven weight matrices (norm vectors are copies, not counted).</summary>
    public long LayerWeightBytes(int layer)
    {
        long bytes = 0;
        foreach (var m in Matrices(layer)) bytes += MatrixBytes(m);
        return bytes;
    }

    /// <summary>Stored bytes of the embedding matrix.</summary>
    public long EmbeddingBytes => MatrixBytes(model.Weights.Embedding);

    /// <summary>
    /// Gives layer <paramref name="layer"/>'s weight pages back to the kernel (Linux; elsewhere
    /// nothing happens) and drops the copies packed from them. Running the layer again afterwards is correct, only slower: the pages are
    /// read again from the file. Returns whether every range was released.
    /// </summary>
    public unsafe bool ReleaseLayer(int layer)
    {
        bool all = true;
        var matrices = Matrices(layer);
        // The copies packed from them go too: a streamed layer holds no memory once done.
        model.Pass.Products.Release(matrices);
        foreach (var m in matrices) all &= MappedPages.Release(m.Data, MatrixBytes(m));
        return all;
    }

    /// <summary>Gives the embedding matrix's pages back (needed by <see cref="Embed"/> only).</summary>
    public unsafe bool ReleaseEmbedding() => MappedPages.Release(model.Weights.Embedding.Data, EmbeddingBytes);

    private WeightMatrix[] Matrices(int layer)
    {
        var w = model.Weights.Layers[layer];
        return [w.Q, w.K, w.V, w.O, w.Gate, w.Up, w.Down];
    }

    private static long MatrixBytes(WeightMatrix m) => m.Rows * m.RowBytes;
}
