using RelationNeurons.Data;
using RelationNeurons.Inference;

namespace RelationNeurons.Bench;

/// <summary>
/// How often bfloat16 compute gives float32's greedy answer: every prompt of a prompt file
/// (default: the demo run's test prompts) generated with --compute f32 and bf16 (2 new tokens,
/// the paper's budget, EOS honoured as in evaluation), counting prompts whose new ids are equal.
/// Options: --model DIR (default models/relfacts-demo), --prompts FILE (JSONL), --new-tokens N.
/// </summary>
internal static class ComputeAgreement
{
    public static int Run(string[] argv)
    {
        var a = new BenchArgs(argv);
        string model = a.Str("model", Path.Combine(BuiltInPaths.RequireModels(), "relfacts-demo"));
        string file = a.Str("prompts", "");
        if (file.Length == 0) throw new ArgumentException("--prompts FILE (e.g. a run folder's prompts/test.jsonl)");
        int newTokens = a.Int("new-tokens", 2);
        var prompts = PromptFile.Read(file);
        int[][] ids;
        IReadOnlyList<int>[] Answers(ComputePrecision compute)
        {
            using var m = LlamaModel.Load(model, new EngineOptions { Compute = compute });
            var tok = m.LoadTokenizer();
            ids ??= prompts.Select(p => tok.Encode(p.Text, tok.AddBosByDefault)).ToArray();
            return m.Generate(ids, newTokens).Select(g => (IReadOnlyList<int>)g.NewIds.ToArray()).ToArray();
        }
        ids = null!;
        var f32 = Answers(ComputePrecision.F32);
        var bf16 = Answers(ComputePrecision.Bf16);
        int same = Enumerable.Range(0, f32.Length).Count(i => f32[i].SequenceEqual(bf16[i]));
        Console.WriteLine($"{file}: {prompts.Count} prompts, {newTokens} new tokens: bf16 gives float32's ids on {same}/{prompts.Count} = {100.0 * same / prompts.Count:F2} % " +
            $"(bf16 kernel {RelationNeurons.Inference.Kernels.Bf16MatMul.HardwareKernel})");
        return 0;
    }
}
