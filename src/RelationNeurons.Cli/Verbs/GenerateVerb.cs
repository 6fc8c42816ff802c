using System.CommandLine;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons generate --model M (--ids 1 | --text T) --max-new-tokens N [--deactivate ...]`: greedy
/// continuation; `text` is the decoded continuation when the model folder has a tokenizer.
/// </summary>
internal static class GenerateVerb
{
    internal sealed record GenerateOutput(int[] Ids, int[] NewIds, string StopReason, string? Text);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id", Required = true };
        var ids = new Option<string>("--ids") { Description = "prompt token ids, e.g. 1,450,7483" };
        var text = new Option<string>("--text") { Description = "prompt text, encoded with the model's tokenizer (BOS as it is configured)" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "most tokens to generate", Required = true };
        var deactivate = new Option<string[]>("--deactivate") { Description = "units set to 0 at every position, e.g. L2.N5,L3.N9" };
        var noEos = new Option<bool>("--ignore-eos") { Description = "keep generating after an end-of-sequence token" };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout (the default; kept for uniformity)" };
        var compute = new ComputeArgument();
        var command = new Command("generate", "greedy generation from a prompt") { model, ids, text, maxNew, deactivate, noEos, json, compute.Option };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int budget = parse.GetValue(maxNew);
            if (budget < 0) throw new UserInputException($"--max-new-tokens must be 0 or more, got {budget}");
            var neurons = EngineArguments.ParseNeurons(parse.GetValue(deactivate));
            using var m = LlamaModel.Load(parse.GetValue(model)!, compute.Engine(parse));
            var tokenizer = EngineArguments.TryLoadTokenizer(m);
            int[] prompt = EngineArguments.PromptIds(parse.GetValue(ids), parse.GetValue(text), m, tokenizer);
            var result = m.Generate(prompt, budget, new HookSet().Deactivate(neurons), stopAtEos: !parse.GetValue(noEos));
            JsonOutput.Write(new GenerateOutput(result.AllIds, result.NewIds, result.Reason.ToString(), tokenizer?.Decode(result.NewIds)));
            return 0;
        }));
        return command;
    }
}
