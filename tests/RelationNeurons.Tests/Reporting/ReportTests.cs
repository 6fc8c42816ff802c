using System.Text.RegularExpressions;
using System.Xml.Linq;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Reporting;
using RelationNeurons.Tests.Experiments;
using RelationNeurons.Evaluation;
using RelationNeurons.IO;

namespace RelationNeurons.Tests.Reporting;

/// <summary>Generates one full report from a synthetic run, shared by the tests that inspect it.</summary>
public sealed class FullReportFixture : IDisposable
{
    public string RunFolder { get; } = Directory.CreateTempSubdirectory("relneurons-run-").FullName;
    public string OutFolder { get; }
    public ReportOutput Output { get; }
    public string Html { get; }
    public string Markdown { get; }

    public FullReportFixture()
    {
        SyntheticRun.Shared.SaveAll(RunFolder);
        OutFolder = Path.Combine(RunFolder, "report");
        Output = ReportGenerator.Generate(RunFolder, OutFolder, new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Html = File.ReadAllText(Output.HtmlPath);
        Markdown = File.ReadAllText(Output.MarkdownPath);
    }

    public void Dispose() => Directory.Delete(RunFolder, recursive: true);
}

public class ReportTests : IClassFixture<FullReportFixture>
{
    private readonly FullReportFixture _f;

    public ReportTests(FullReportFixture fixture) => _f = fixture;

    [Fact]
    public void HtmlHasEverySectionAndTheFindings()
    {
        foreach (string id in new[] { "findings", "intra", "inter", "cumulativity", "overlap", "multilingual", "templates", "perplexity", "errortypes", "frequency", "crosslingual", "run" })
            Assert.Contains($"<section id=\"{id}\"", _f.Html);
        Assert.Contains("What this shows", _f.Html);
        Assert.Contains("What this does not show", _f.Html);
        // The synthetic model is built so every relation's own neurons beat random.
        Assert.Contains("for 6 of 6 relations, deactivating the relation&#39;s own neurons lowered recall", _f.Html);
        Assert.Contains("relneurons run --model demo --out run1", _f.Html);
        Assert.Contains(new string('a', 64), _f.Html); // weights digest
        Assert.DoesNotContain("Not in this report", _f.Html);
    }

    [Fact]
    public void HtmlIsSelfContainedWithValidInlineSvgAndUniqueIds()
    {
        Assert.DoesNotContain("<script", _f.Html);
        Assert.DoesNotContain("<link", _f.Html);
        var svgs = Regex.Matches(_f.Html, "<svg.*?</svg>", RegexOptions.Singleline).Select(m => m.Value).ToList();
        Assert.Equal(8, svgs.Count); // intra, inter, cumulativity, overlap, layers, Fig 7, Fig 8, cross-lingual
        var ids = new List<string>();
        foreach (string svg in svgs)
        {
            var root = XElement.Parse(svg);
            Assert.Equal("svg", root.Name.LocalName);
            ids.AddRange(root.DescendantsAndSelf().Select(e => (string?)e.Attribute("id")).OfType<string>());
        }
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void FigureFilesArePngAndParseableSvg()
    {
        Assert.Equal(16, _f.Output.FigureFiles.Count);
        foreach (string file in _f.Output.FigureFiles)
        {
            Assert.True(File.Exists(file), file);
            if (file.EndsWith(".png", StringComparison.Ordinal))
            {
                byte[] head = File.ReadAllBytes(file)[..8];
                Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head);
            }
            else
            {
                var doc = XDocument.Load(file);
                Assert.Equal("svg", doc.Root!.Name.LocalName);
                Assert.NotNull(doc.Root.Attribute("viewBox"));
                Assert.True(doc.Root.Descendants().Count() > 20, $"{file} has almost nothing drawn");
            }
        }
    }

    [Fact]
    public void MarkdownHasTablesAndLinksToExistingPngs()
    {
        Assert.StartsWith("# Relation-specific neurons in demo-synthetic", _f.Markdown);
        Assert.Contains("## What this shows", _f.Markdown);
        Assert.Contains("## Fig 3. Intra-relation deactivation", _f.Markdown);
        Assert.Contains("| relation | lang | neurons | facts |", _f.Markdown);
        var links = Regex.Matches(_f.Markdown, @"!\[[^\]]*\]\(([^)]+\.png)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(8, links.Count);
        Assert.All(links, l => Assert.True(File.Exists(Path.Combine(_f.OutFolder, l)), l));
    }

    [Fact]
    public void InterferenceCellsAreListedWithTheirFacts()
    {
        var cell = SyntheticRun.Shared.Inter.Matrices[0].Interference[0];
        Assert.Contains("Interference cells (en)", _f.Markdown);
        Assert.Contains(cell.FlippedToCorrect[0], _f.Markdown);
    }
}

public class PartialReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relneurons-partial-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingResultFilesAreNotedAndTheirSectionsOmitted()
    {
        var run = SyntheticRun.Shared;
        ResultJson.Save(Path.Combine(_dir, RunFiles.Intra), run.Intra);
        var output = ReportGenerator.Generate(_dir);
        string html = File.ReadAllText(output.HtmlPath);
        Assert.Contains("<section id=\"intra\"", html);
        Assert.DoesNotContain("<section id=\"inter\"", html);
        Assert.Contains("Not in this report", html);
        Assert.Contains("inter.json not found", html);
        Assert.Contains("No summary.json", html);
        // inter, cumulativity, overlap, cross-lingual, Fig 7, Fig 8, Table 2, Table 4, App E, summary
        Assert.Equal(10, output.Notes.Count(n => n.Contains("not found")));
        Assert.Equal(2, output.FigureFiles.Count);
        Assert.True(File.Exists(Path.Combine(_dir, "report.md")));
    }

    [Fact]
    public void NoRelationBeyondRandomIsSaidPlainly()
    {
        var clean = EvaluationResult.Create("clean", Enumerable.Range(0, 30)
            .Select(i => new PromptOutcome("r", "en", $"f{i}", "p", "g", i % 3 != 0)).ToArray());
        var entry = IntraRelationBuilder.Build("r", "en", 10, clean, clean, [new SeededEvaluation(1, clean)], SyntheticRun.Statistics);
        ResultJson.Save(Path.Combine(_dir, RunFiles.Intra), new IntraRelationResult(SyntheticRun.Statistics, [entry]));
        string md = File.ReadAllText(ReportGenerator.Generate(_dir).MarkdownPath);
        Assert.Contains("for none of the 1 relations is the drop beyond random clear of 0", md);
        Assert.Contains("0 of 1 relations keep p <", md);
    }

    [Fact]
    public void EmptyResultFilesAreNotedNotDrawn()
    {
        ResultJson.Save(Path.Combine(_dir, RunFiles.Cumulativity), new CumulativityResult([]));
        ResultJson.Save(Path.Combine(_dir, RunFiles.Inter), new InterRelationResult([]));
        var output = ReportGenerator.Generate(_dir);
        Assert.Empty(output.FigureFiles);
        Assert.Contains(output.Notes, n => n.Contains("cumulativity.json holds no result"));
        Assert.Contains(output.Notes, n => n.Contains("inter.json holds no result"));
    }

    [Fact]
    public void EmptyOrMissingFolderIsAUserError()
    {
        Assert.Contains("no result file", Assert.Throws<UserInputException>(() => ReportGenerator.Generate(_dir)).Message);
        Assert.Contains("not found", Assert.Throws<UserInputException>(() => ReportGenerator.Generate(Path.Combine(_dir, "nope"))).Message);
    }

    [Fact]
    public void ReportVerbWritesTheReportAndExitsWithTwoOnUserError()
    {
        ResultJson.Save(Path.Combine(_dir, RunFiles.Overlap), SyntheticRun.Shared.Overlap);
        string outDir = Path.Combine(_dir, "out");
        int ok = RelationNeurons.Cli.Verbs.ReportVerb.Create().Parse(["--in", _dir, "--out", outDir]).Invoke();
        Assert.Equal(0, ok);
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        int bad = RelationNeurons.Cli.Verbs.ReportVerb.Create().Parse(["--in", Path.Combine(_dir, "missing")]).Invoke();
        Assert.Equal(2, bad);
    }
}
