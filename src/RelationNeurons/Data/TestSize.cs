using System.Globalization;

namespace RelationNeurons.Data;

/// <summary>
/// How many facts of a relation are held out for testing: a count, a fraction, or the default
/// rule (50 facts when a relation has at least 100, otherwise 25 %; see METHOD.md).
/// </summary>
public readonly record struct TestSize
{
    public const int AutoCount = 50;
    public const int AutoCountThreshold = 100;
    public const double AutoFraction = 0.25;

    private TestSize(int? count, double? fraction) { Count = count; Fraction = fraction; }

    public int? Count { get; }
    public double? Fraction { get; }
    public bool IsAuto => Count is null && Fraction is null;

    public static TestSize Auto => default;

    public static TestSize OfCount(int count) =>
        count >= 1 ? new TestSize(count, null) : throw new UserInputException($"test size must be at least 1 fact, got {count}");

    public static TestSize OfFraction(double fraction) =>
        fraction is > 0 and < 1 ? new TestSize(null, fraction)
            : throw new UserInputException($"test fraction must be between 0 and 1 (exclusive), got {fraction.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>"auto", an integer count ("50") or a fraction ("0.2", "20%").</summary>
    public static TestSize Parse(string text)
    {
        string t = text.Trim();
        if (t.Equals("auto", StringComparison.OrdinalIgnoreCase)) return Auto;
        if (t.EndsWith('%') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double pct))
            return OfFraction(pct / 100);
        if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count)) return OfCount(count);
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction)) return OfFraction(fraction);
        throw new UserInputException($"test size '{text}' is neither 'auto', a count (50), a fraction (0.2) nor a percentage (20%)");
    }

    /// <summary>The number of test facts for a relation with <paramref name="facts"/> facts.</summary>
    public int FactsFor(int facts)
    {
        if (Count is int c) return c;
        double f = Fraction ?? AutoFraction;
        if (IsAuto && facts >= AutoCountThreshold) return AutoCount;
        return (int)Math.Round(f * facts, MidpointRounding.AwayFromZero);
    }

    public override string ToString() =>
        Count is int c ? c.ToString(CultureInfo.InvariantCulture)
        : Fraction is double f ? f.ToString(CultureInfo.InvariantCulture)
        : "auto";
}
