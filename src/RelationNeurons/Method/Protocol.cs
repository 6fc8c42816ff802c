using System.Globalization;

namespace RelationNeurons.Method;

/// <summary>The two named protocols: the paper's text (Liu et al. 2025) and the code it builds on (selfcond, Kojima et al.).</summary>
public enum ProtocolName { Paper, Kojima }

/// <summary>Which outputs are the units that get ranked (METHOD.md §2).</summary>
public enum UnitSet
{
    /// <summary>gate_proj (before the activation), up_proj and down_proj outputs: the paper's.</summary>
    Ffn,
    /// <summary>Every linear projection's output (q, k, v, o, gate, up, down): App G, and today's <c>linear</c>.</summary>
    All,
    /// <summary>act(gate)·up, one value per MLP neuron (<c>mlp.hook_post</c>): the usual interpretability neuron.</summary>
    Mlp,
    /// <summary>q, k, v and o projections (App G).</summary>
    Attention,
    Gate,
    Up,
    Down,
}

/// <summary>Which prompts are a relation's negatives when its expertise is scored (METHOD.md §4).</summary>
public enum NegativeSampling
{
    /// <summary>A seeded sample of <see cref="Protocol.NegativesPerPositive"/> × |positives| of the other relations' prompts: the paper's.</summary>
    Sampled,
    /// <summary>Every other relation's prompt (Kojima et al.).</summary>
    All,
}

/// <summary>Which end of the AP ranking a selection takes.</summary>
public enum SelectionMode
{
    /// <summary>The top N (the paper's text).</summary>
    Top,
    /// <summary>Top ⌈N/2⌉ and bottom ⌊N/2⌋ (the reference scripts' <c>expertise_limited_N_both</c>).</summary>
    Both,
    Bottom,
}

/// <summary>When a generated continuation counts as the right answer (METHOD.md §5).</summary>
public enum AnswerMatch
{
    /// <summary>The generated text, trimmed and case-folded, is a non-empty prefix of the object or an accepted answer: the paper's.</summary>
    PrefixOfAnswer,
    /// <summary>The normalised first line starts with an accepted answer followed by a word boundary (ours before; use with 8 tokens).</summary>
    Answer,
}

/// <summary>How a random baseline set is drawn.</summary>
public enum RandomBaseline
{
    /// <summary>k units uniformly from the whole unit set: the paper's.</summary>
    Uniform,
    /// <summary>As many units per layer and tap as the relation's set (our stronger control).</summary>
    LayerMatched,
}

/// <summary>The points of the cumulativity curve.</summary>
public enum CumulativitySweep
{
    /// <summary>The paper's k values (Fig 5), scaled to the model's unit count.</summary>
    KSweep,
    /// <summary>Multiples of the relation's set size N (ours before).</summary>
    Scales,
}

/// <summary>
/// Every choice of the method, typed, with its defaults in one place: <see cref="Paper"/> (the
/// default of <c>run</c>, every verb and the library's option records) and <see cref="Kojima"/>
/// (the choices of the code the paper builds on). <see cref="Settings"/> is serialised whole into
/// <c>run.json</c> and into every cache key, so a run or a cached evaluation never mixes protocols.
/// </summary>
public sealed record Protocol
{
    /// <summary>The paper's k on Llama-2-7B's FFN units.</summary>
    public const long PaperCount = 3_000;
    public const long PaperUnits = 835_584;
    /// <summary>Kojima et al.'s 6,000 (top 3,000 + bottom 3,000) of Llama-2-7B's 1,359,872 linear-projection units.</summary>
    public const double KojimaFraction = 6_000.0 / 1_359_872;
    /// <summary>The k sweep of §5.1 (Fig 5) on 835,584 units.</summary>
    public static readonly IReadOnlyList<long> PaperKSweep = [10, 50, 200, 500, 1_000, 3_000, 10_000, 20_000, 50_000];

    public ProtocolName Name { get; init; } = ProtocolName.Paper;
    public UnitSet Units { get; init; } = UnitSet.Ffn;
    /// <summary>Keep only the detection prompts the unmodified model answers right (the evaluation's criterion).</summary>
    public bool ValidateDetectionPrompts { get; init; } = true;
    public NegativeSampling Negatives { get; init; } = NegativeSampling.Sampled;
    public int NegativesPerPositive { get; init; } = 4;
    public SelectionMode Mode { get; init; } = SelectionMode.Top;
    /// <summary>k as a share of all units; <see cref="Count"/> wins when given.</summary>
    public double Fraction { get; init; } = (double)PaperCount / PaperUnits;
    public long? Count { get; init; }
    public AnswerMatch Match { get; init; } = AnswerMatch.PrefixOfAnswer;
    public int MaxNewTokens { get; init; } = 2;
    public RandomBaseline Random { get; init; } = RandomBaseline.Uniform;
    public int RandomSeeds { get; init; } = 10;
    public CumulativitySweep Sweep { get; init; } = CumulativitySweep.KSweep;

    public static Protocol Paper { get; } = new();

    public static Protocol Kojima { get; } = new()
    {
        Name = ProtocolName.Kojima, Units = UnitSet.All, ValidateDetectionPrompts = false, Negatives = NegativeSampling.All,
        Mode = SelectionMode.Both, Fraction = KojimaFraction, Match = AnswerMatch.Answer, MaxNewTokens = 8,
        Random = RandomBaseline.LayerMatched, RandomSeeds = 3, Sweep = CumulativitySweep.Scales,
    };

    public static Protocol For(ProtocolName name) => name switch
    {
        ProtocolName.Paper => Paper,
        ProtocolName.Kojima => Kojima,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown protocol"),
    };

    /// <summary>k for a unit set of <paramref name="totalUnits"/>: <see cref="Count"/>, or round(fraction × units), at least 1.</summary>
    public long ResolveCount(long totalUnits) => ResolveCount(Count, Fraction, totalUnits);

    public static long ResolveCount(long? count, double fraction, long totalUnits)
    {
        if (count is long c)
        {
            if (c <= 0) throw new UserInputException($"--count must be positive, got {c}");
            if (c > totalUnits) throw new UserInputException($"--count {c} exceeds the {totalUnits} units scored");
            return c;
        }
        if (!(fraction > 0 && fraction <= 1)) throw new UserInputException($"--fraction must be in (0, 1], got {fraction}");
        return Math.Max(1, (long)Math.Round(fraction * totalUnits, MidpointRounding.AwayFromZero));
    }

    /// <summary>The k sweep for <paramref name="totalUnits"/> units: each paper k scaled like k itself, at least 1, at most all units, repeats dropped.</summary>
    public static IReadOnlyList<long> ScaledKSweep(long totalUnits) =>
        PaperKSweep.Select(k => Math.Clamp((long)Math.Round((double)k / PaperUnits * totalUnits, MidpointRounding.AwayFromZero), 1, totalUnits))
            .Distinct().Order().ToList();

    public void Check()
    {
        if (NegativesPerPositive < 1) throw new UserInputException($"negatives per positive must be at least 1, got {NegativesPerPositive}");
        if (MaxNewTokens < 1) throw new UserInputException($"--max-new-tokens must be at least 1, got {MaxNewTokens}");
        if (RandomSeeds < 1) throw new UserInputException($"--random-seeds must be at least 1, got {RandomSeeds}");
        if (Count is <= 0) throw new UserInputException($"--count must be positive, got {Count}");
        if (!(Fraction > 0 && Fraction <= 1)) throw new UserInputException($"--fraction must be in (0, 1], got {Fraction}");
    }

    /// <summary>Every choice by name, as written in run.json and cache keys.</summary>
    public IReadOnlyDictionary<string, string> Settings() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["protocol"] = ProtocolNames.Of(Name),
        ["units"] = ProtocolNames.Of(Units),
        ["validation"] = ValidateDetectionPrompts ? "on" : "off",
        ["negatives"] = Negatives == NegativeSampling.Sampled ? $"{NegativesPerPositive.ToString(CultureInfo.InvariantCulture)}x" : "all",
        ["mode"] = ProtocolNames.Of(Mode),
        ["k"] = Count?.ToString(CultureInfo.InvariantCulture) ?? $"fraction {Fraction.ToString("R", CultureInfo.InvariantCulture)}",
        ["match"] = ProtocolNames.Of(Match),
        ["max_new_tokens"] = MaxNewTokens.ToString(CultureInfo.InvariantCulture),
        ["random"] = ProtocolNames.Of(Random),
        ["random_seeds"] = RandomSeeds.ToString(CultureInfo.InvariantCulture),
        ["sweep"] = ProtocolNames.Of(Sweep),
    };
}
