using System.CommandLine;
using RelationNeurons.Models.Gguf;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons export-gguf --model DIR --out FILE.gguf [--type f32|f16|q8_0]`: a Hugging Face checkpoint as GGUF v3.</summary>
internal static class ExportGgufVerb
{
    /// <summary>The JSON shape on stdout.</summary>
    internal sealed record Result(string Path, string Type, long Bytes, int Tensors, bool Tokenizer, IReadOnlyList<string> F16Fallback);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model folder or Hub id (found in the local cache)", Required = true };
        var output = new Option<string>("--out") { Description = "GGUF file to write", Required = true };
        var type = new Option<string>("--type") { Description = "matrix type: f32, f16 or q8_0 (norms stay f32)", DefaultValueFactory = _ => "f32" };
        var command = new Command("export-gguf", "write a Hugging Face Llama checkpoint as a GGUF file llama.cpp can read") { model, output, type };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string t = parse.GetValue(type)!.ToLowerInvariant();
            var exportType = t switch
            {
                "f32" => GgufExportType.F32,
                "f16" => GgufExportType.F16,
                "q8_0" => GgufExportType.Q8_0,
                _ => throw new UserInputException($"--type '{t}' is not one of f32, f16, q8_0"),
            };
            var s = GgufExporter.Export(parse.GetValue(model)!, parse.GetValue(output)!, exportType);
            JsonOutput.Write(new Result(s.Path, t, s.Bytes, s.Tensors, s.Tokenizer, s.FallbackTensors));
            return 0;
        }));
        return command;
    }
}
