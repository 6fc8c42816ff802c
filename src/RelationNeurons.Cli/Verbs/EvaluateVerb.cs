using System.CommandLine;
using System.Globalization;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Experiments.Runners;
using RelationNeurons.Inference;
using Spectre.Console;
using RelationNeurons.IO;
using RelationNeurons.Method;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons evaluate --model M --prompts test.jsonl [--neurons sets.json --relation R [--language L] --set top|random:K]
/// [--value zero|on_p50|X] --out FILE`: greedy completion of test prompts, optionally with a neuron
/// set forced to a value, scored by the shared answer matcher; writes an EvaluationResult JSON.
/// </summary>
internal static class EvaluateVerb
{
    internal sealed record EvaluateOutput(string Condition, string File, int Prompts, int Neurons, double Seconds, IReadOnlyList<GroupAccuracy> Accuracy);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id", Required = true };
        var prompts = new Option<string>("--prompts") { Description = "prompt file (JSONL), e.g. a run's prompts/test.jsonl", Required = true };
        var neurons = new Option<string?>("--neurons") { Description = "neuron sets file (selection's neuron_sets.json)" };
        var relation = new Option<string?>("--relation") { Description = "relation whose set is applied (with --neurons)" };
        var language = new Option<string?>("--language") { Description = "language the set was found in (default: the only one the relation has)" };
        var set = new Option<string>("--set") { Description = "'top' (the relation's set) or 'random:K' (its K-th random set, drawn as --random says)", DefaultValueFactory = _ => "top" };
        var value = new Option<string>("--value") { Description = "value forced on the units: zero, on_p50 (median on positives) or a number", DefaultValueFactory = _ => "zero" };
        var seed = new Option<ulong>("--seed") { Description = "base seed of random sets", DefaultValueFactory = _ => 0UL };
        var protocol = new ProtocolArguments();
        var output = new Option<string>("--out") { Description = "EvaluationResult JSON file to write", Required = true };
        var json = new Option<bool>("--json") { Description = "print the accuracy table as JSON on stdout" };
        var compute = new ComputeArgument();
        var command = new Command("evaluate", "greedy completion and scoring of test prompts, optionally with a neuron set deactivated")
        {
            model, prompts, neurons, relation, language, set, value, seed, protocol.Protocol, protocol.Match, protocol.MaxNewTokens, protocol.Random, output, json, compute.Option };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var promptList = PromptFile.Read(parse.GetValue(prompts)!);
            if (promptList.Count == 0) throw new UserInputException($"{parse.GetValue(prompts)}: no prompts");
            using var m = LlamaModel.Load(parse.GetValue(model)!, compute.Engine(parse));
            var p = protocol.Resolve(parse);
            var (condition, intervention) = Condition(parse.GetValue(neurons), parse.GetValue(relation), parse.GetValue(language),
                parse.GetValue(set)!, InterventionValue.Parse(parse.GetValue(value)!), parse.GetValue(seed), p.Random, m, promptList);
            var evaluator = new Evaluator(m, Evaluator.LoadTokenizer(m), new EvaluationOptions { MaxNewTokens = p.MaxNewTokens, Match = p.Match });
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = evaluator.Evaluate(condition, promptList, intervention);
            string file = Path.GetFullPath(parse.GetValue(output)!);
            ResultJson.Save(file, result);
            var summary = new EvaluateOutput(condition, file, promptList.Count, intervention?.Count ?? 0, clock.Elapsed.TotalSeconds, result.Accuracy);
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Print(summary);
            return 0;
        }));
        return command;
    }


    internal static (string Condition, Intervention? Intervention) Condition(string? neuronsPath, string? relation, string? language, string set,
        InterventionValue value, ulong seed, RandomBaseline randomKind, LlamaModel model, IReadOnlyList<Prompt> prompts)
    {
        if (neuronsPath is null)
        {
            if (relation is not null) throw new UserInputException("--relation needs --neurons");
            return (ConditionLabel.Clean, null);
        }
        if (relation is null) throw new UserInputException("--neurons needs --relation: whose set to apply");
        var sets = NeuronSetLoader.Load(neuronsPath);
        if (language is null)
        {
            var langs = sets.Sets.Where(s => s.Relation == relation).Select(s => s.Language).ToArray();
            language = langs.Length == 1 ? langs[0] : throw new UserInputException(langs.Length == 0
                ? $"{neuronsPath}: no set for relation '{relation}'"
                : $"relation '{relation}' has sets in {string.Join(", ", langs)}; choose one with --language");
        }
        sets.Get(relation, language);
        int k = 0;
        bool random = set.StartsWith("random:", StringComparison.Ordinal);
        if (random && (!int.TryParse(set.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out k) || k < 1))
            throw new UserInputException($"--set '{set}': expected random:K with K ≥ 1");
        if (!random && set != "top") throw new UserInputException($"--set '{set}': expected 'top' or 'random:K'");
        var planner = new ConditionPlanner(new ExperimentInputs(model.Config, prompts, sets),
            new ExperimentOptions { RandomSeeds = Math.Max(1, k), Random = randomKind, Seed = seed, Value = value });
        var request = random ? planner.Random(relation, language, k) : planner.Deactivated(relation, language);
        return (request.Label, request.Intervention);
    }

    private static void Print(EvaluateOutput s)
    {
        var table = new Table();
        table.AddColumn("relation");
        table.AddColumn("language");
        table.AddColumn(new TableColumn("prompts").RightAligned());
        table.AddColumn(new TableColumn("correct").RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var g in s.Accuracy)
            table.AddRow(Markup.Escape(g.Relation), g.Language, g.Count.ToString(CultureInfo.InvariantCulture),
                g.Correct.ToString(CultureInfo.InvariantCulture), g.Accuracy.ToString("P1", CultureInfo.InvariantCulture));
        Consoles.Stdout().Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{s.Condition}: {s.Prompts} prompts, {s.Neurons} units set, {s.Seconds:F1} s; wrote {s.File}"));
    }
}
