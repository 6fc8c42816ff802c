using RelationNeurons.Reporting;
using RelationNeurons.Tests.Experiments;

namespace RelationNeurons.Tests.Reporting;

/// <summary>The sections of Fig 7, Fig 8, Table 2, Table 4 and App E: numbered as the paper numbers them, the paper's numbers beside the run's, and a reason where nothing was computed.</summary>
public sealed class PaperAnalysesReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relneurons-paper-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Generate()
    {
        SyntheticRun.Shared.SaveAll(_dir);
        return File.ReadAllText(ReportGenerator.Generate(_dir).MarkdownPath);
    }

    [Fact]
    public void SectionsFollowThePapersNumberingWithItsNumbersBesideTheRunsAndSayWhyWhenNotComputed()
    {
        string md = Generate();
        string[] headings =
        [
            "## Fig 1 and 2.", "## Fig 3.", "## Fig 4.", "## Fig 5, 6 and Table 3.", "## Fig 7. Multilingual transfer", "## Fig 8. New templates",
            "## Table 2. Perplexity", "## Table 4. Error types", "## App E. Fact frequency",
        ];
        var positions = headings.Select(h => md.IndexOf(h, StringComparison.Ordinal)).ToArray();
        Assert.All(positions.Zip(headings), p => Assert.True(p.First >= 0, p.Second));
        Assert.Equal(positions.Order(), positions);

        string model = SyntheticRun.Shared.Summary.Model.Name;
        // Table 2 and Table 4: the paper's values (company_ceo) beside this run's, both labelled.
        Assert.Contains($"before (paper, Llama-2-7B) | after (paper, Llama-2-7B) | sentences (this run, {model})", md);
        Assert.Contains("| company_ceo | en | 50 | 102.32 | 110.71 | 50 | 12.50 | 13.25 | 12.75 |", md);
        Assert.Contains("| company_ceo | en | 47.8% | 8.7% | 34.8% | 23 | 2 (50.0%) | 1 (25.0%) | 0 (0.0%) | 1 (25.0%) | 4 |", md);
        Assert.Contains("The CEO of Acme is a man", md);
        // Fig 7 notes the missing translation; App E says why it is missing.
        Assert.Contains("left out for 'ja'", md);
        Assert.Contains("Not computed in this run: no corpus given", md);
    }
}
