namespace RelationNeurons.Method;

/// <summary>
/// The command-line and file names of the protocol's choices, one table per enum, so that parsing
/// and writing can never disagree. Parsing is case-insensitive; an unknown name is a user error
/// that lists the accepted ones.
/// </summary>
public static class ProtocolNames
{
    private static readonly (ProtocolName Value, string Name)[] Protocols = [(ProtocolName.Paper, "paper"), (ProtocolName.Kojima, "kojima")];
    private static readonly (UnitSet Value, string Name)[] UnitSets =
    [
        (UnitSet.Ffn, "ffn"), (UnitSet.All, "all"), (UnitSet.Mlp, "mlp"), (UnitSet.Attention, "attention"),
        (UnitSet.Gate, "gate"), (UnitSet.Up, "up"), (UnitSet.Down, "down"),
    ];
    /// <summary>Names accepted for a unit set besides its own (the set was called so before).</summary>
    private static readonly (UnitSet Value, string Name)[] UnitSetAliases = [(UnitSet.All, "linear")];
    private static readonly (NegativeSampling Value, string Name)[] Negatives = [(NegativeSampling.Sampled, "sampled"), (NegativeSampling.All, "all")];
    private static readonly (SelectionMode Value, string Name)[] Modes = [(SelectionMode.Top, "top"), (SelectionMode.Both, "both"), (SelectionMode.Bottom, "bottom")];
    private static readonly (AnswerMatch Value, string Name)[] Matches = [(AnswerMatch.PrefixOfAnswer, "prefix-of-answer"), (AnswerMatch.Answer, "answer")];
    private static readonly (RandomBaseline Value, string Name)[] Randoms = [(RandomBaseline.Uniform, "uniform"), (RandomBaseline.LayerMatched, "layer-matched")];
    private static readonly (CumulativitySweep Value, string Name)[] Sweeps = [(CumulativitySweep.KSweep, "k-sweep"), (CumulativitySweep.Scales, "scales")];

    public static string Of(ProtocolName v) => Name(Protocols, v);
    public static string Of(UnitSet v) => Name(UnitSets, v);
    public static string Of(NegativeSampling v) => Name(Negatives, v);
    public static string Of(SelectionMode v) => Name(Modes, v);
    public static string Of(AnswerMatch v) => Name(Matches, v);
    public static string Of(RandomBaseline v) => Name(Randoms, v);
    public static string Of(CumulativitySweep v) => Name(Sweeps, v);

    public static ProtocolName ParseProtocol(string text) => Parse(Protocols, [], text, "--protocol");
    public static UnitSet ParseUnits(string text) => Parse(UnitSets, UnitSetAliases, text, "--units");
    public static SelectionMode ParseMode(string text) => Parse(Modes, [], text, "--mode");
    public static AnswerMatch ParseMatch(string text) => Parse(Matches, [], text, "--match");
    public static RandomBaseline ParseRandom(string text) => Parse(Randoms, [], text, "--random");
    public static CumulativitySweep ParseSweep(string text) => Parse(Sweeps, [], text, "--sweep");

    /// <summary>"4x" (or "Nx", N × positives, sampled) or "all".</summary>
    public static (NegativeSampling Sampling, int PerPositive) ParseNegatives(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "all") return (NegativeSampling.All, Protocol.Paper.NegativesPerPositive);
        if (t.EndsWith('x') && int.TryParse(t[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1)
            return (NegativeSampling.Sampled, n);
        throw new UserInputException($"--negatives '{text}' is not one of: 4x (or any Nx: N × positives, sampled), all");
    }

    private static string Name<T>((T Value, string Name)[] table, T value) where T : struct, Enum
    {
        foreach (var (v, n) in table) if (EqualityComparer<T>.Default.Equals(v, value)) return n;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"unknown {typeof(T).Name}");
    }

    private static T Parse<T>((T Value, string Name)[] table, (T Value, string Name)[] aliases, string text, string option) where T : struct, Enum
    {
        string t = text.Trim().ToLowerInvariant();
        foreach (var (v, n) in table.Concat(aliases)) if (n == t) return v;
        throw new UserInputException($"{option} '{text}' is not one of: {string.Join(", ", table.Select(p => p.Name))}");
    }
}
