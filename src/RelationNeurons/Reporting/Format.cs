using System.Globalization;

namespace RelationNeurons.Reporting;

/// <summary>Number formats used in every table and sentence (invariant culture).</summary>
internal static class Format
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A fraction as a percentage: 0.725 -> "72.5%".</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", C) + "%";

    /// <summary>A difference of fractions in signed percentage points: 0.123 -> "+12.3".</summary>
    public static string Pp(double fraction) => (fraction * 100).ToString("+0.0;-0.0;0.0", C);

    public static string Ci(double low, double high) => $"[{Pp(low)}, {Pp(high)}]";

    public static string P(double p) => p < 0.001 ? "<0.001" : p.ToString("0.000", C);

    public static string Number(double v, string format = "0.##") => v.ToString(format, C);

    public static string Int(long v) => v.ToString(C);

    public static string Seconds(double s) => s < 120 ? s.ToString("0.0", C) + " s" : (s / 60).ToString("0.0", C) + " min";
}
