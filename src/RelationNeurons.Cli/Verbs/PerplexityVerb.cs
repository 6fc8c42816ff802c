using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RelationNeurons.Evaluation;
using RelationNeurons.Inference;
using RelationNeurons.IO;
using RelationNeurons.Runs;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons perplexity --model M --text FILE [--neurons sets.json --relation R [--language L] --set top|random:K]
/// [--batch-tokens N] [--json]`: perplexity of each text of FILE (one per line, or JSONL with a
/// "text" field; empty lines skipped), optionally with a neuron set deactivated (Table 2 of the paper).
/// With <c>--shard i/n --shards DIR</c> it measures only its contiguous share of the texts and keeps
/// their values in DIR/shards/perplexity/ (beside a shard manifest, as <c>run --stage</c>'s shards);
/// the same command with <c>--shards DIR</c> and no <c>--shard</c> merges them into the output one
/// process prints (a text's perplexity does not depend on the texts batched with it, docs/engine.md).
/// </summary>
internal static class PerplexityVerb
{
    internal sealed record TextOutput(int Line, int Tokens, double NegativeLogLikelihood, double Perplexity);

    /// <summary>A shard's share: each text's predicted tokens and summed negative log-likelihood, and the seconds it took.</summary>
    private sealed record ShardPart(double Seconds, IReadOnlyList<int> Tokens, IReadOnlyList<double> NegativeLogLikelihoods);

    private const string PartSuffix = ".perplexity.json";

    internal sealed record PerplexityOutput(string Condition, string File, int Texts, int Tokens, int Neurons,
        double CorpusPerplexity, double MeanTextPerplexity, double Seconds, IReadOnlyList<TextOutput> PerText);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder or Hub id", Required = true };
        var text = new Option<string>("--text") { Description = "UTF-8 file: one text per line, or JSONL with a \"text\" field per line (empty lines skipped)", Required = true };
        var neurons = new Option<string?>("--neurons") { Description = "neuron sets file (selection's neuron_sets.json)" };
        var relation = new Option<string?>("--relation") { Description = "relation whose set is deactivated (with --neurons)" };
        var language = new Option<string?>("--language") { Description = "language the set was found in (default: the only one the relation has)" };
        var set = new Option<string>("--set") { Description = "'top' (the relation's set) or 'random:K' (its K-th random set, drawn as --random says)", DefaultValueFactory = _ => "top" };
        var seed = new Option<ulong>("--seed") { Description = "base seed of random sets", DefaultValueFactory = _ => 0UL };
        var batchTokens = new Option<int>("--batch-tokens") { Description = "most tokens per forward pass (bounds the logits held: tokens x vocabulary floats)", DefaultValueFactory = _ => Perplexity.DefaultBatchTokens };
        var protocol = new ProtocolArguments();
        var json = new Option<bool>("--json") { Description = "print the result as JSON on stdout (with every text's perplexity)" };
        var compute = new ComputeArgument();
        var sharding = new ShardArguments("texts");
        var shardsFolder = new Option<string?>("--shards") { Description = "folder of the shards' files: with --shard, where this shard writes its share; without, merge the shards found there" };
        var command = new Command("perplexity", "perplexity of texts, optionally with a neuron set deactivated")
        {
            model, text, neurons, relation, language, set, seed, batchTokens, protocol.Protocol, protocol.Random, json, compute.Option, shardsFolder };
        foreach (var o in sharding.All) command.Options.Add(o);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            sharding.Resources.Apply(parse);
            var shard = sharding.Parse(parse);
            string? shardsDir = parse.GetValue(shardsFolder);
            if (shard is not null && shardsDir is null) throw new UserInputException("--shard needs --shards DIR: the folder where the shards keep their shares for the merge");
            string file = parse.GetValue(text)!;
            int batch = parse.GetValue(batchTokens);
            if (batch < 1) throw new UserInputException($"--batch-tokens {batch}: must be at least 1");
            var (lines, texts) = ReadTexts(file);
            using var m = LlamaModel.Load(parse.GetValue(model)!, compute.Engine(parse));
            var p = protocol.Resolve(parse);
            var (condition, intervention) = EvaluateVerb.Condition(parse.GetValue(neurons), parse.GetValue(relation), parse.GetValue(language),
                parse.GetValue(set)!, InterventionValue.Zero, parse.GetValue(seed), p.Random, m, []);
            var tokenizer = m.LoadTokenizer();
            // Texts first to first + count - 1, with "text N" errors named by file and line.
            PerplexityResult Measure(int first, int count)
            {
                try { return Perplexity.Compute(m, tokenizer, texts.GetRange(first, count), intervention, batch); }
                catch (UserInputException e) when (e.Message.StartsWith("text ", StringComparison.Ordinal))
                {
                    // "text N: ..." names the N-th text measured; the user needs the file and line.
                    int n = int.Parse(e.Message.AsSpan(5, e.Message.IndexOf(':') - 5), CultureInfo.InvariantCulture);
                    throw new UserInputException($"{file}: line {lines[first + n - 1]}{e.Message[e.Message.IndexOf(':')..]}");
                }
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            PerplexityResult result;
            double seconds;
            if (shardsDir is null)
            {
                result = Measure(0, texts.Count);
                seconds = clock.Elapsed.TotalSeconds;
            }
            else
            {
                // Every option that changes a value, the model's weights and the bytes of the texts and neuron sets.
                var shards = new ShardFolder(shardsDir, "perplexity");
                string digest = ShardSettings.Digest("perplexity", Runs.ModelFingerprinter.Compute(parse.GetValue(model)!, m.Directory, m.FilePaths).WeightsSha256,
                    [new("condition", condition), new("intervention", InterventionKey(intervention)), new("batch_tokens", batch.ToString(CultureInfo.InvariantCulture)), new("compute", ComputePrecisions.Name(m.Options.Compute))],
                    shardsDir, [Path.GetFullPath(file), .. parse.GetValue(neurons) is { } n ? [Path.GetFullPath(n)] : Array.Empty<string>()]);
                if (ShardArguments.RunShard(shard, shards, () => digest, s =>
                    {
                        var (first, count) = s.Range(texts.Count);
                        var (tokens, negativeLogLikelihoods) = (count == 0 ? new PerplexityResult([]) : Measure(first, count)).ToColumns();
                        AtomicFile.WriteAllText(shards.DataPath(s, PartSuffix),
                            ResultJson.Serialize(new ShardPart(clock.Elapsed.TotalSeconds, tokens, negativeLogLikelihoods)) + "\n");
                        return new ShardShare(first, count, texts.Count);
                    }))
                    return 0;
                (result, seconds) = Merge(shards, shards.RequireComplete(digest));
            }
            var output = new PerplexityOutput(condition, Path.GetFullPath(file), texts.Count, result.Tokens, intervention?.Count ?? 0,
                result.CorpusPerplexity, result.MeanTextPerplexity, seconds,
                result.Texts.Select((t, i) => new TextOutput(lines[i], t.Tokens, t.NegativeLogLikelihood, t.Perplexity)).ToList());
            if (parse.GetValue(json)) JsonOutput.Write(output);
            else Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{condition}: {output.Texts} texts, {output.Tokens} tokens, {output.Neurons} units off; corpus perplexity {output.CorpusPerplexity:F4}, mean per-text perplexity {output.MeanTextPerplexity:F4} ({output.Seconds:F1} s)"));
            return 0;
        }));
        return command;
    }

    private static string InterventionKey(Intervention? intervention)
    {
        var sb = new System.Text.StringBuilder();
        intervention?.AppendKey(sb);
        return sb.ToString();
    }

    /// <summary>The shards' shares laid end to end (their texts' order); the seconds are the shards' own, added up.</summary>
    private static (PerplexityResult Result, double Seconds) Merge(ShardFolder shards, IReadOnlyList<Runs.ShardManifest> finished)
    {
        var texts = new List<TextPerplexity>();
        double seconds = 0;
        foreach (var shard in finished)
        {
            string path = shards.DataPath(shard.Shard, PartSuffix);
            var part = ShardFolder.ReadJson<ShardPart>(path, ResultJson.Options);
            if (part is null || part.Tokens.Count != shard.Items || part.NegativeLogLikelihoods.Count != shard.Items)
                throw new UserInputException($"{path}: missing or not the {shard.Items} texts shard {shard.Shard} reported; run that shard again");
            texts.AddRange(PerplexityResult.FromColumns(part.Tokens, part.NegativeLogLikelihoods).Texts);
            seconds += part.Seconds;
        }
        return (new PerplexityResult(texts), seconds);
    }

    /// <summary>
    /// The texts of <paramref name="file"/> with their 1-based line numbers. A file whose first
    /// non-empty line starts with '{' is JSONL (every line an object with a string "text");
    /// otherwise every non-empty line is a text. Missing, not UTF-8 or without text: a user error.
    /// </summary>
    internal static (List<int> Lines, List<string> Texts) ReadTexts(string file)
    {
        if (Directory.Exists(file)) throw new UserInputException($"{file}: is a folder; give a text file");
        string content = StrictText.ReadAllText(file);
        var lines = new List<int>();
        var texts = new List<string>();
        bool? jsonl = null;
        int number = 0;
        foreach (string raw in content.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            jsonl ??= line.TrimStart().StartsWith('{');
            string value = line;
            if (jsonl == true)
            {
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                        throw new UserInputException($"{file}: line {number}: expected an object with a string \"text\"");
                    value = t.GetString()!;
                }
                catch (JsonException e) { throw new UserInputException($"{file}: line {number}: malformed JSON ({e.Message})"); }
                if (value.Trim().Length == 0) continue;
            }
            lines.Add(number);
            texts.Add(value);
        }
        if (texts.Count == 0) throw new UserInputException($"{file}: no text (the file is empty)");
        return (lines, texts);
    }
}
