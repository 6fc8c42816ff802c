using System.CommandLine;
using System.Globalization;
using RelationNeurons.Analysis;
using Spectre.Console;

using RelationNeurons.Method;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// `relneurons select --expertise DIR --out FILE`: neuron sets per relation from the AP ranking
/// (top N/2 + bottom N/2 by default, N = the paper's 0.44 % of all units), with layer-matched
/// random baselines and overlap matrices, as neuron_sets.json.
/// </summary>
internal static class SelectVerb
{
    internal sealed record RelationRow(string Name, int Units, double TopAp, double BottomAp, IReadOnlyList<int> PerLayer, double MeanJaccardWithOthers);

    internal sealed record SelectSummary(string Expertise, string Out, string Mode, long Count, double Fraction, long TotalUnits,
        int RandomSeeds, ulong Seed, IReadOnlyList<RelationRow> Relations);

    public static Command Create()
    {
        var expertise = new Option<string>("--expertise") { Description = "expertise folder made by `relneurons expertise`", Required = true };
        var output = new Option<string>("--out") { Description = "neuron sets JSON file to write", Required = true };
        var protocol = new ProtocolArguments();
        var seed = new Option<ulong>("--seed") { Description = "seed of the random baselines", DefaultValueFactory = _ => 0UL };
        var relations = new Option<string?>("--relations") { Description = "comma-separated relations (default: all in the expertise folder)" };
        var json = new Option<bool>("--json") { Description = "print the summary as JSON on stdout" };
        var command = new Command("select", "choose each relation's neurons by AP rank, with random baselines and overlaps")
            { expertise, output, protocol.Protocol, protocol.Mode, protocol.Count, protocol.Fraction, protocol.Random, protocol.RandomSeeds, seed, relations, json };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var p = protocol.Resolve(parse);
            var options = new SelectionOptions
            {
                Mode = p.Mode, Count = p.Count, Fraction = p.Fraction, Random = p.Random, RandomSeeds = p.RandomSeeds,
                Seed = parse.GetValue(seed),
            };
            string dir = parse.GetValue(expertise)!, outPath = parse.GetValue(output)!;
            var sets = NeuronSelector.SelectFromFolder(dir, options, ExpertiseVerb.SplitList(parse.GetValue(relations)));
            sets.Save(outPath);
            var summary = Summarize(sets, Path.GetFullPath(outPath), options.RandomSeeds);
            if (parse.GetValue(json)) JsonOutput.Write(summary);
            else Print(summary);
            return 0;
        }));
        return command;
    }


    private static SelectSummary Summarize(NeuronSets sets, string outPath, int randomSeeds)
    {
        int n = sets.Relations.Count;
        var rows = sets.Relations.Select((r, a) => new RelationRow(r.Name, r.Units.Count,
            r.Units.Count == 0 ? 0 : r.Units.Max(u => u.Ap), r.Units.Count == 0 ? 0 : r.Units.Min(u => u.Ap), r.PerLayer,
            n < 2 ? 0 : Enumerable.Range(0, n).Where(b => b != a).Average(b => sets.Overlap.Jaccard[a][b]))).ToList();
        return new SelectSummary(sets.Expertise ?? "", outPath, sets.Mode.ToString().ToLowerInvariant(), sets.Count, sets.Fraction,
            sets.TotalUnits, randomSeeds, sets.Seed, rows);
    }

    private static void Print(SelectSummary s)
    {
        var table = new Table();
        table.AddColumn("relation");
        table.AddColumn(new TableColumn("units").RightAligned());
        table.AddColumn(new TableColumn("max AP").RightAligned());
        table.AddColumn(new TableColumn("min AP").RightAligned());
        table.AddColumn(new TableColumn("mean Jaccard").RightAligned());
        table.AddColumn("per layer");
        foreach (var r in s.Relations)
            table.AddRow(Markup.Escape(r.Name), r.Units.ToString(), r.TopAp.ToString("F4"), r.BottomAp.ToString("F4"),
                r.MeanJaccardWithOthers.ToString("F3"), string.Join(" ", r.PerLayer));
        Consoles.Stdout().Write(table);
        Console.WriteLine($"{s.Mode}: N = {s.Count:N0} of {s.TotalUnits:N0} units ({s.Fraction:P3}), {s.RandomSeeds} random baselines each; wrote {s.Out}");
    }
}
