using System.CommandLine;
using System.Globalization;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons forward --model M (--ids 1,2,3 | --text T) [--tap NAME ...] [--deactivate L2.N5,L3.N9]`:
/// logits and chosen tap values at every position, as JSON.
/// </summary>
internal static class ForwardVerb
{
    internal sealed record ForwardOutput(int[] Ids, float[][] Logits, Dictionary<string, float[][]> Taps);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id", Required = true };
        var ids = new Option<string>("--ids") { Description = "token ids, e.g. 1,450,7483" };
        var text = new Option<string>("--text") { Description = "prompt text, encoded with the model's tokenizer (BOS as it is configured)" };
        var taps = new Option<string[]>("--tap") { Description = "hook name to print, e.g. blocks.2.mlp.hook_post (repeatable)", AllowMultipleArgumentsPerToken = true };
        var deactivate = new Option<string[]>("--deactivate") { Description = "units set to 0 at every position, e.g. L2.N5,L3.N9 or blocks.1.attn.hook_q[7]" };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout (the default; kept for uniformity)" };
        var compute = new ComputeArgument();
        var command = new Command("forward", "run one forward pass and print logits (and tap values) for every position")
            { model, ids, text, taps, deactivate, json, compute.Option };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var hookNames = parse.GetValue(taps) ?? [];
            var neurons = EngineArguments.ParseNeurons(parse.GetValue(deactivate));
            var points = hookNames.Select(HookPoint.Parse).ToList();
            using var m = LlamaModel.Load(parse.GetValue(model)!, compute.Engine(parse));
            string? prompt = parse.GetValue(text);
            int[] tokens = EngineArguments.PromptIds(parse.GetValue(ids), prompt, m, prompt is null ? null : EngineArguments.TryLoadTokenizer(m));

            var hooks = new HookSet().Deactivate(neurons);
            var captures = new Dictionary<string, ActivationCapture>(StringComparer.Ordinal);
            foreach (var p in points)
            {
                if (captures.ContainsKey(p.Name)) continue;
                captures[p.Name] = new ActivationCapture();
                hooks.AddReader(p, captures[p.Name]);
            }
            var result = m.Forward(tokens, hooks, LogitsSelection.AllPositions);

            float[][] Rows(float[] flat, int width) =>
                Enumerable.Range(0, flat.Length / width).Select(r => flat.AsSpan(r * width, width).ToArray()).ToArray();
            var output = new ForwardOutput(tokens, Rows(result.Logits(0), m.Config.VocabSize),
                captures.ToDictionary(c => c.Key, c => Rows(c.Value.Get(0), c.Value.Width), StringComparer.Ordinal));
            JsonOutput.Write(output);
            return 0;
        }));
        return command;
    }
}
