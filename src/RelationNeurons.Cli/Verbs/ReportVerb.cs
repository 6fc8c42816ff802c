using System.CommandLine;
using RelationNeurons.Reporting;

namespace RelationNeurons.Cli.Verbs;

/// <summary>`relneurons report --in RUN_DIR [--out DIR]`: report.html, report.md and figures from a run's result files.</summary>
internal static class ReportVerb
{
    public static Command Create()
    {
        var input = new Option<string>("--in") { Description = "run folder holding summary.json, intra.json, inter.json, cumulativity.json, overlap.json, crosslingual.json (any may be missing)", Required = true };
        var output = new Option<string?>("--out") { Description = "folder for report.html, report.md and figures/ (default: the run folder)" };
        var json = new Option<bool>("--json") { Description = "print what was written as JSON on stdout" };
        var command = new Command("report", "write an HTML and Markdown report with figures from a run's experiment results") { input, output, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var result = ReportGenerator.Generate(parse.GetValue(input)!, parse.GetValue(output));
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
                return 0;
            }
            Console.WriteLine($"wrote {result.HtmlPath}");
            Console.WriteLine($"wrote {result.MarkdownPath}");
            Console.WriteLine($"wrote {result.FigureFiles.Count} figure files in {Path.GetDirectoryName(result.HtmlPath)}/{ReportGenerator.FiguresFolder}");
            foreach (string note in result.Notes) Console.WriteLine($"note: {note}");
            return 0;
        }));
        return command;
    }
}
