using System.CommandLine;
using System.Text;
using RelationNeurons.Models;
using RelationNeurons.Tokenization;
using RelationNeurons.Inference;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons tokenize --model M --text T [--bos] [--json]`: the ids and pieces of a text.</summary>
internal static class TokenizeVerb
{
    /// <summary>The JSON shape on stdout: {"ids": [...], "pieces": [...]}.</summary>
    internal sealed record Result(int[] Ids, string[] Pieces);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "folder with tokenizer.json or tokenizer.model, the file itself, or a Hub id in the local cache", Required = true };
        var text = new Option<string>("--text") { Description = "text to tokenize", Required = true };
        var bos = new Option<bool>("--bos") { Description = "prepend the BOS token even where the tokenizer's configuration does not" };
        var noBos = new Option<bool>("--no-bos") { Description = "no BOS token even where the tokenizer's configuration adds one" };
        var json = new Option<bool>("--json") { Description = "print JSON on stdout" };
        var command = new Command("tokenize",
            "show the token ids and pieces of a text; BOS as the tokenizer adds it by itself (its post-processor and tokenizer_config.json, as transformers' encode)")
            { model, text, bos, noBos, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            // Only the tokenizer is loaded: a folder with nothing else in it is fine.
            string path = parse.GetValue(model)!;
            if (parse.GetValue(bos) && parse.GetValue(noBos)) throw new UserInputException("--bos and --no-bos contradict each other");
            var tokenizer = CheckpointLoader.LoadTokenizer(File.Exists(path) ? path : ModelLocator.Resolve(path));
            bool addBos = parse.GetValue(bos) || (!parse.GetValue(noBos) && tokenizer.AddBosByDefault);
            var result = Run(tokenizer, parse.GetValue(text)!, addBos);
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else Console.Out.Write(FormatTable(result));
            return 0;
        }));
        return command;
    }

    internal static Result Run(ITokenizer tokenizer, string text, bool addBos)
    {
        int[] ids = tokenizer.Encode(text, addBos);
        return new Result(ids, ids.Select(tokenizer.IdToPiece).ToArray());
    }

    /// <summary>One row per token; pieces are shown with control characters escaped so the table stays aligned.</summary>
    internal static string FormatTable(Result result)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{"#",5}  {"id",8}  piece");
        for (int i = 0; i < result.Ids.Length; i++)
            sb.AppendLine($"{i,5}  {result.Ids[i],8}  {Escape(result.Pieces[i])}");
        sb.AppendLine($"{result.Ids.Length} tokens");
        return sb.ToString();
    }

    private static string Escape(string piece)
    {
        var sb = new StringBuilder(piece.Length);
        foreach (char c in piece)
        {
            if (c == '\n') sb.Append("\\n");
            else if (c == '\t') sb.Append("\\t");
            else if (c == '\r') sb.Append("\\r");
            else if (char.IsControl(c)) sb.Append($"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
