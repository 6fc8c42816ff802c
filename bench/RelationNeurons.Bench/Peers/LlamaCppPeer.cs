using LLama;
using LLama.Common;
using LLama.Native;

namespace RelationNeurons.Bench.Peers;

/// <summary>
/// llama.cpp prompt processing through LLamaSharp: all prompts of a batch in one llama_decode
/// call, one sequence id per prompt (positions from 0), logits requested for each prompt's last
/// token only; the KV cache is cleared between runs. Physical batch (n_ubatch) large enough for
/// the whole batch so llama.cpp runs each weight matrix once per batch, as we do.
/// </summary>
internal sealed class LlamaCppPeer : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly int _vocab;

    public LlamaCppPeer(string ggufPath, int threads, int maxTokens, int maxSequences, int vocab)
    {
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level == LLamaLogLevel.Error) Console.Error.Write("llama.cpp: " + message);
        });
        var p = new ModelParams(ggufPath)
        {
            ContextSize = (uint)Math.Max(256, maxTokens),
            BatchSize = (uint)maxTokens,
            UBatchSize = (uint)maxTokens,
            SeqMax = (uint)maxSequences,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
            KVUnified = true,
        };
        _weights = LLamaWeights.LoadFromFile(p);
        _context = _weights.CreateContext(p);
        _vocab = vocab;
    }

    /// <summary>One prefill of all prompts; returns the last-position logits [prompts × vocab].</summary>
    public float[] Prefill(IReadOnlyList<int[]> prompts)
    {
        var handle = _context.NativeHandle;
        handle.MemoryClear(true);
        var batch = new LLamaBatch();
        var logitIndex = new int[prompts.Count];
        for (int s = 0; s < prompts.Count; s++)
        {
            var p = prompts[s];
            for (int j = 0; j < p.Length; j++)
            {
                if (j == p.Length - 1) logitIndex[s] = batch.TokenCount;
                batch.Add((LLamaToken)p[j], (LLamaPos)j, (LLamaSeqId)s, j == p.Length - 1);
            }
        }
        var status = handle.Decode(batch);
        if (status != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode: {status}");
        var logits = new float[prompts.Count * _vocab];
        for (int s = 0; s < prompts.Count; s++)
            handle.GetLogitsIth(logitIndex[s]).CopyTo(logits.AsSpan(s * _vocab, _vocab));
        return logits;
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
