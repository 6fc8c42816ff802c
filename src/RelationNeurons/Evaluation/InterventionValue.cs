using System.Globalization;

namespace RelationNeurons.Evaluation;

/// <summary>What the selected units are set to: 0 (deactivation, the default), each unit's median on positives, or a constant.</summary>
public sealed record InterventionValue
{
    public enum ValueKind { Zero, MedianOnPositives, Constant }

    public ValueKind Kind { get; }
    public float ConstantValue { get; }

    private InterventionValue(ValueKind kind, float constant) { Kind = kind; ConstantValue = constant; }

    public static InterventionValue Zero { get; } = new(ValueKind.Zero, 0f);
    public static InterventionValue MedianOnPositives { get; } = new(ValueKind.MedianOnPositives, 0f);
    public static InterventionValue Of(float value) => new(ValueKind.Constant, value);

    /// <summary>Parses <c>zero</c>, <c>on_p50</c> or a number.</summary>
    public static InterventionValue Parse(string text)
    {
        string t = text.Trim();
        if (t.Equals("zero", StringComparison.OrdinalIgnoreCase) || t == "0") return Zero;
        if (t.Equals("on_p50", StringComparison.OrdinalIgnoreCase)) return MedianOnPositives;
        if (float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)) return Of(v);
        throw new UserInputException($"--value '{text}': expected 'zero', 'on_p50' or a number");
    }

    public override string ToString() => Kind switch
    {
        ValueKind.Zero => "zero",
        ValueKind.MedianOnPositives => "on_p50",
        _ => ConstantValue.ToString("R", CultureInfo.InvariantCulture),
    };
}
