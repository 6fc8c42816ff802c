using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Tests.Experiments;

public class CumulativityCheckTests
{
    [Fact]
    public void CountsOnHandMadeOutcomes()
    {
        // Prompts 0-3 are right with 10 units off and wrong with 50 off (#total = 4); with only units
        // 11-50 off, prompts 1 and 3 are wrong (#affected = 2). Prompt 4 is wrong with 10 off already,
        // prompt 5 stays right with 50 off, prompt 6 flips the other way: none of them count.
        bool[] smaller = [true, true, true, true, false, true, false];
        bool[] larger = [false, false, false, false, false, true, true];
        bool[] difference = [true, false, true, false, false, false, false];
        var check = CumulativityCheckBuilder.Check(10, 50, smaller, larger, difference);
        Assert.Equal((10, 50, 4, 2), (check.From, check.To, check.Total, check.Affected));
        Assert.Equal(0.5, check.Cumulativity);
        Assert.Null(CumulativityCheckBuilder.Check(1, 2, [false], [false], [false]).Cumulativity);
    }

    [Fact]
    public void MacroAveragesRelationsAndMicroAveragesPrompts()
    {
        CumulativityCurve Curve(string r, params CumulativityCheck[] checks) => new(r, "en", 5, 5, 100, []) { Checks = checks };
        var ranges = CumulativityCheckBuilder.Summarize(
        [
            Curve("a", new(10, 50, 4, 2, 0.5), new(50, 200, 0, 0, null)),
            Curve("b", new(10, 50, 1, 0, 1.0), new(50, 200, 3, 3, 0.0)),
        ]);
        Assert.Equal(2, ranges.Count);
        var first = ranges[0];
        Assert.Equal((10, 50, 2, 5, 2), (first.From, first.To, first.Relations, first.Total, first.Affected));
        Assert.Equal(0.75, first.Macro);
        Assert.Equal(1 - 2.0 / 5, first.Micro!.Value, 12);
        // A relation without a #total leaves the macro mean, and adds nothing to the micro sums.
        Assert.Equal((0.0, 0.0), (ranges[1].Macro!.Value, ranges[1].Micro!.Value));
    }

    [Fact]
    public void RelativeDropIsThePapersHeatMapValue()
    {
        Assert.Equal(0.5, InterRelationBuilder.RelativeDrop(0.8, -0.4)!.Value, 12);
        Assert.Equal(-0.25, InterRelationBuilder.RelativeDrop(0.8, 0.2)!.Value, 12); // interference: negative
        Assert.Null(InterRelationBuilder.RelativeDrop(0, 0.3));
    }
}
