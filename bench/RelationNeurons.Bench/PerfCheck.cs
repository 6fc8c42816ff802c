using RelationNeurons.Bench.Peers;
using RelationNeurons.Inference;
using RelationNeurons.Models;

namespace RelationNeurons.Bench;

/// <summary>
/// Before timing: the peers must compute the same function. Last-position logits of a few
/// prompts from our engine (safetensors, and our GGUF export read back by our engine) against
/// libtorch float32/bfloat16 and llama.cpp, as max |difference| / max |our logit|; our bfloat16
/// compute against libtorch bfloat16 and against our float32.
/// Options: --model tinyllama|small|DIR, --peers torch-f32,torch-bf16,llamacpp, --threads T.
/// Exit code 1 when libtorch float32 differs by more than 1e-3 or the GGUF read-back is not exact.
/// </summary>
internal static class PerfCheck
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        int threads = a.Int("threads", Environment.ProcessorCount);
        string name = a.Str("model", "small");
        var peers = a.Str("peers", "torch-f32,torch-bf16,llamacpp").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string dir = PerfCommon.ResolveModel(name);
        var config = LlamaConfig.Load(Path.Combine(dir, "config.json"));
        var prompts = PerfCommon.Prompts(4, config.VocabSize, seed: 3);
        int vocab = config.VocabSize;

        float[] Logits(ComputePrecision compute)
        {
            using var model = LlamaModel.Load(dir, new EngineOptions { Compute = compute });
            var r = model.Forward(prompts);
            return Enumerable.Range(0, prompts.Length).SelectMany(i => r.LastLogits(i).ToArray()).ToArray();
        }
        float[] ours = Logits(ComputePrecision.F32), oursBf16 = Logits(ComputePrecision.Bf16);
        float scale = ours.Max(MathF.Abs);
        Console.WriteLine($"check on {name}: {prompts.Length} prompts, max |logit| {scale:G4}");
        bool ok = true;
        void Compare(string peer, float[] theirs, double tolerance) => CompareWith(ours, peer, theirs, tolerance);
        void CompareWith(float[] ours, string peer, float[] theirs, double tolerance)
        {
            double diff = 0;
            for (int i = 0; i < ours.Length; i++) diff = Math.Max(diff, Math.Abs(ours[i] - theirs[i]));
            int sameArgmax = 0;
            for (int s = 0; s < prompts.Length; s++)
                if (ArgMax(ours.AsSpan(s * vocab, vocab)) == ArgMax(theirs.AsSpan(s * vocab, vocab))) sameArgmax++;
            bool pass = diff / scale <= tolerance;
            Console.WriteLine($"  {peer,-22} max|diff|/max|logit| = {diff / scale:E2} (limit {tolerance:E0}) argmax agrees {sameArgmax}/{prompts.Length} {(pass ? "ok" : "FAIL")}");
            ok &= pass;
        }

        if (peers.Contains("llamacpp"))
        {
            string gguf = LlamaCppGguf.Ensure(dir, config);
            using (var back = LlamaModel.Load(gguf))
            {
                var r = back.Forward(prompts);
                Compare("ours (gguf export)", Enumerable.Range(0, prompts.Length).SelectMany(i => r.LastLogits(i).ToArray()).ToArray(), 0);
            }
            using var peer = new LlamaCppPeer(gguf, threads, 256, prompts.Length, vocab);
            // llama.cpp rounds activations to bf16 for bf16 weights: agreement is that of bf16 arithmetic.
            Compare("llama.cpp", peer.Prefill(prompts), 5e-2);
        }
        foreach (var (peer, dtype, tolerance) in new[] { ("torch-f32", TorchSharp.torch.ScalarType.Float32, 1e-3), ("torch-bf16", TorchSharp.torch.ScalarType.BFloat16, 1e-1) })
        {
            if (!peers.Contains(peer)) continue;
            TorchSharp.torch.set_num_threads(threads);
            using var model = new TorchLlama(dir, config, dtype);
            var theirs = model.Forward(prompts, null)!;
            Compare("libtorch " + peer[6..], theirs, tolerance);
            // Our bfloat16 products against libtorch's bfloat16 model, with the same bf16 tolerance.
            if (dtype == TorchSharp.torch.ScalarType.BFloat16) CompareWith(oursBf16, "ours bf16 vs libtorch bf16", theirs, tolerance);
        }
        CompareWith(ours, "ours bf16 vs ours f32", oursBf16, 1e-1);
        return ok ? 0 : 1;
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
