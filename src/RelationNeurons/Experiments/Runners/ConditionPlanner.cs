using RelationNeurons.Data;
using RelationNeurons.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Hooks;
using RelationNeurons.Analysis;
using RelationNeurons.Method;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Names the conditions every experiment uses and fixes what each covers, so that experiments
/// share evaluations: the deactivation of r's set found in language A (and each of its random
/// baselines) is evaluated once, on every test prompt of A plus r's prompts in the other
/// languages, and serves the intra-relation, inter-relation and cross-lingual experiments.
/// Cumulativity prefixes cover r's prompts in A only; they run from a handful of r's ranked units
/// to many times its set, along r's expertise ranking beyond the set.
/// </summary>
public sealed class ConditionPlanner
{
    private readonly Dictionary<(string, string, int), NeuronId[][]> _counterparts = new();
    private readonly Dictionary<(string, string), RankedNeuronSet> _sweeps = new();

    public ConditionPlanner(ExperimentInputs inputs, ExperimentOptions options)
    {
        options.Validate();
        Inputs = inputs;
        Options = options;
        TestLanguages = inputs.TestPrompts.Select(p => p.Language).Distinct().Order(StringComparer.Ordinal).ToArray();
        Seeds = ExperimentOptions.SeedValues(options.RandomSeeds);
        Units = UnitSpace.For(inputs.Config, inputs.Sets.Taps);
    }

    /// <summary>The unit set the neuron sets were selected from: what uniform random sets and the k sweep count over.</summary>
    public UnitSpace Units { get; }

    public ExperimentInputs Inputs { get; }
    public ExperimentOptions Options { get; }
    public IReadOnlyList<string> TestLanguages { get; }
    public IReadOnlyList<long> Seeds { get; }
    public IReadOnlyList<long> CumulativitySeeds => Seeds.Take(Options.CumulativityRandomSeeds).ToArray();

    /// <summary>Languages that have both neuron sets and test prompts.</summary>
    public IReadOnlyList<string> Languages => Inputs.Sets.Languages.Where(TestLanguages.Contains).ToArray();

    /// <summary>Relations with a set found in <paramref name="language"/> and test prompts there, by id.</summary>
    public IReadOnlyList<string> RelationsIn(string language) =>
        Inputs.Sets.InLanguage(language).Select(s => s.Relation)
            .Where(r => HasTestPrompts(r, language)).Order(StringComparer.Ordinal).ToArray();

    public bool HasTestPrompts(string relation, string language) =>
        Inputs.TestPrompts.Any(p => p.Relation == relation && p.Language == language);

    public ConditionRequest Clean() => new(ConditionLabel.Clean, Inputs.TestPrompts, null);

    /// <summary>The validated detection prompts of r in A (Fig 3b), empty without any.</summary>
    public IReadOnlyList<Prompt> DetectionPromptsOf(string relation, string language) =>
        Inputs.DetectionPrompts?.Where(p => p.Relation == relation && p.Language == language).ToArray() ?? [];

    public ConditionRequest DetectionClean() => SubsetClean(DetectionSubset, Inputs.DetectionPrompts);

    /// <summary>r's set found in A deactivated, on r's validated detection prompts in A.</summary>
    public ConditionRequest DetectionDeactivated(string relation, string language) =>
        SubsetDeactivated(DetectionSubset, DetectionPromptsOf(relation, language), relation, language);

    public ConditionRequest DetectionRandom(string relation, string language, long seed) =>
        SubsetRandom(DetectionSubset, DetectionPromptsOf(relation, language), relation, language, seed);

    /// <summary>r's P^eva-2 prompts in A (Fig 8: the test facts in another template), empty without any.</summary>
    public IReadOnlyList<Prompt> AlternativePromptsOf(string relation, string language) =>
        Inputs.AlternativePrompts?.Where(p => p.Relation == relation && p.Language == language).ToArray() ?? [];

    public ConditionRequest AlternativeClean() => SubsetClean(AlternativeSubset, Inputs.AlternativePrompts);

    /// <summary>r's set found in A deactivated, on r's P^eva-2 prompts in A.</summary>
    public ConditionRequest AlternativeDeactivated(string relation, string language) =>
        SubsetDeactivated(AlternativeSubset, AlternativePromptsOf(relation, language), relation, language);

    public ConditionRequest AlternativeRandom(string relation, string language, long seed) =>
        SubsetRandom(AlternativeSubset, AlternativePromptsOf(relation, language), relation, language, seed);

    private const string DetectionSubset = "detection", AlternativeSubset = "alternative";

    // Conditions over a prompt list other than the test prompts carry its name after the label, so
    // they never collide with the test-prompt conditions of the same intervention.
    private static ConditionRequest SubsetClean(string subset, IReadOnlyList<Prompt>? prompts) =>
        new(ConditionLabel.Clean + "/" + subset, prompts ?? [], null);

    private ConditionRequest SubsetDeactivated(string subset, IReadOnlyList<Prompt> prompts, string relation, string language) =>
        new(DeactivatedLabel(relation, language) + "/" + subset, prompts, SetIntervention(relation, language));

    private ConditionRequest SubsetRandom(string subset, IReadOnlyList<Prompt> prompts, string relation, string language, long seed) =>
        new(ConditionLabel.Random(ConditionLabel.InLanguage(relation, language) + "/" + subset, seed), prompts, RandomIntervention(relation, language, seed));

    /// <summary>r's set found in A, deactivated.</summary>
    public ConditionRequest Deactivated(string relation, string language) =>
        new(DeactivatedLabel(relation, language), SetScope(relation, language), SetIntervention(relation, language));

    /// <summary>What deactivating r's set found in A does (the intervention of <see cref="Deactivated"/>), for measurements other than prompt evaluations.</summary>
    public Intervention SetIntervention(string relation, string language)
    {
        var set = Inputs.Sets.Get(relation, language);
        return MakeIntervention(set, set.Neurons, set.MedianOnPositives);
    }

    /// <summary>A random set (<see cref="ExperimentOptions.Random"/>) of the size of r's set found in A.</summary>
    public ConditionRequest Random(string relation, string language, long seed) =>
        new(ConditionLabel.Random(ConditionLabel.InLanguage(relation, language), seed), SetScope(relation, language), RandomIntervention(relation, language, seed));

    /// <summary>The intervention of <see cref="Random"/>: the seed's random set of the size of r's set found in A.</summary>
    public Intervention RandomIntervention(string relation, string language, long seed)
    {
        var set = Inputs.Sets.Get(relation, language);
        return MakeIntervention(set, CounterpartsOf(set, seed), null);
    }

    /// <summary>
    /// The first <paramref name="count"/> units of r's ranking: below N a prefix of r's set, N the
    /// set itself (<see cref="Deactivated"/>), above N a prefix of the ranking beyond the set
    /// (<see cref="CumulativityRanking"/>). Evaluated on r's prompts in A, or with the k sweep on
    /// every prompt of A (the other relations' accuracy is part of Fig 5).
    /// </summary>
    public ConditionRequest Prefix(string relation, string language, int count)
    {
        var set = Inputs.Sets.Get(relation, language);
        if (count == set.Count) return Deactivated(relation, language);
        var ranked = count < set.Count ? set : CumulativityRanking(relation, language);
        if (count < 1 || count > ranked.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} units asked of the {ranked.Count} ranked for '{relation}' ({language})");
        var units = ranked.Neurons.Take(count).ToArray();
        // The paper's k sweep (Fig 5) also follows the other relations' accuracy: the whole language is evaluated.
        var scope = Options.Sweep == CumulativitySweep.KSweep ? LanguageScope(language) : RelationScope(relation, language);
        return new ConditionRequest(ConditionLabel.Deactivate(ConditionLabel.InLanguage(relation, language), $"{Inputs.Sets.Selection}{count}"),
            scope, MakeIntervention(set, units, ranked.MedianOnPositives?.Take(count).ToArray()));
    }

    /// <summary>
    /// Only the units ranked <paramref name="from"/>+1 … <paramref name="to"/> of r's ranking
    /// deactivated: the difference of two consecutive sweep points (the cumulativity check).
    /// </summary>
    public ConditionRequest Difference(string relation, string language, int from, int to)
    {
        var set = Inputs.Sets.Get(relation, language);
        var ranked = to <= set.Count ? set : CumulativityRanking(relation, language);
        if (from < 0 || to <= from || to > ranked.Count)
            throw new ArgumentOutOfRangeException(nameof(to), $"units {from + 1}..{to} asked of the {ranked.Count} ranked for '{relation}' ({language})");
        var units = ranked.Neurons.Skip(from).Take(to - from).ToArray();
        return new ConditionRequest(ConditionLabel.Deactivate(ConditionLabel.InLanguage(relation, language), $"{Inputs.Sets.Selection}{from}-{to}"),
            RelationScope(relation, language), MakeIntervention(set, units, ranked.MedianOnPositives?.Skip(from).Take(to - from).ToArray()));
    }

    /// <summary>
    /// The random counterpart of a prefix, nested across prefixes (<see cref="RandomUnitSampler"/>);
    /// at N it is r's random set of the same seed (<see cref="Random"/>).
    /// </summary>
    public ConditionRequest RandomPrefix(string relation, string language, int count, long seed)
    {
        var set = Inputs.Sets.Get(relation, language);
        if (count == set.Count) return Random(relation, language, seed);
        // The sampler is prefix-stable, so the counterparts of the longer ranking begin with the set's.
        var counterparts = count < set.Count ? CounterpartsOf(set, seed) : CounterpartsOf(CumulativityRanking(relation, language), seed);
        if (count < 1 || count > counterparts.Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} units asked of the {counterparts.Length} ranked for '{relation}' ({language})");
        var units = counterparts.Take(count).ToArray();
        return new ConditionRequest(ConditionLabel.Random(ConditionLabel.InLanguage(relation, language) + $"/{Inputs.Sets.Selection}{count}", seed),
            RelationScope(relation, language), MakeIntervention(set, units, null));
    }

    /// <summary>Units in the unit space of <see cref="ExperimentInputs.Ranking"/> (null without one).</summary>
    public long? TotalUnits => Inputs.Ranking?.TotalUnits;

    /// <summary>
    /// The ranked list r's cumulativity curve takes its prefixes from: r's set, extended with the
    /// expertise ranking up to the largest point (<see cref="ExperimentOptions.CumulativityScales"/>
    /// times N, at most <see cref="ExperimentOptions.CumulativityMaxUnitShare"/> of all units).
    /// Without a ranking, or for a selection that is not an AP ranking, it is the set alone.
    /// The ranking's first N units must be the set, in its order: otherwise the set was not
    /// selected from this expertise, and the points beyond N would not extend it.
    /// </summary>
    public RankedNeuronSet CumulativityRanking(string relation, string language)
    {
        if (_sweeps.TryGetValue((relation, language), out var known)) return known;
        var set = Inputs.Sets.Get(relation, language);
        var result = set;
        int want = SweepTargets(set.Count).Max();
        if (Inputs.Ranking is { } ranking && ExpertiseRanking.IsRankingMode(Inputs.Sets.Selection))
        {
            int cap = (int)Math.Min(int.MaxValue, Math.Max(set.Count, (long)Math.Floor(Options.CumulativityMaxUnitShare * ranking.TotalUnits)));
            want = Math.Min(want, cap);
            if (want > set.Count && ranking.Ranked(relation, language, Inputs.Sets.Selection, want) is { } extended)
            {
                if (extended.Count < set.Count || !extended.Neurons.Take(set.Count).SequenceEqual(set.Neurons))
                    throw new UserInputException(
                        $"the expertise ranking of '{relation}' ({language}) does not begin with its neuron set; the set was not selected from this expertise " +
                        "(select again, or run the cumulativity sweep without the expertise folder to stop at the set's size)");
                result = extended;
            }
        }
        _sweeps[(relation, language)] = result;
        return result;
    }

    /// <summary>
    /// Neuron counts of r's cumulativity sweep: each scale times the set size N, rounded, at least
    /// one unit and at most the ranking's length, without repeats; <c>Scale</c> is the count over N.
    /// </summary>
    public IReadOnlyList<(double Scale, int Count)> CumulativityCounts(string relation, string language)
    {
        int size = Inputs.Sets.Get(relation, language).Count;
        int available = CumulativityRanking(relation, language).Count;
        var result = new List<(double, int)>();
        var seen = new HashSet<int>();
        foreach (int target in SweepTargets(size).Order())
        {
            int n = Math.Clamp(target, 1, available);
            if (seen.Add(n)) result.Add(((double)n / size, n));
        }
        return result;
    }

    /// <summary>The sweep's unit counts before they are capped by the ranking: the paper's k values scaled to the unit set, or scales × N.</summary>
    private IEnumerable<int> SweepTargets(int size) => Options.Sweep switch
    {
        CumulativitySweep.KSweep => Protocol.ScaledKSweep(Units.TotalUnits).Select(k => (int)Math.Min(int.MaxValue, k)),
        CumulativitySweep.Scales => Options.CumulativityScales.Select(s => ScaledCount(s, size)),
        _ => throw new ArgumentOutOfRangeException(nameof(Options.Sweep), Options.Sweep, "unknown sweep"),
    };

    private static int ScaledCount(double scale, int size) =>
        (int)Math.Min(int.MaxValue, Math.Round(scale * size, MidpointRounding.AwayFromZero));

    public string DeactivatedLabel(string relation, string language) =>
        ConditionLabel.Deactivate(ConditionLabel.InLanguage(relation, language), Inputs.Sets.Selection);

    /// <summary>Every test prompt of A, and r's test prompts in every other language.</summary>
    private IReadOnlyList<Prompt> SetScope(string relation, string language) =>
        Inputs.TestPrompts.Where(p => p.Language == language || p.Relation == relation).ToArray();

    private IReadOnlyList<Prompt> LanguageScope(string language) =>
        Inputs.TestPrompts.Where(p => p.Language == language).ToArray();

    private IReadOnlyList<Prompt> RelationScope(string relation, string language) =>
        Inputs.TestPrompts.Where(p => p.Language == language && p.Relation == relation).ToArray();

    private NeuronId[] CounterpartsOf(RankedNeuronSet set, long seed)
    {
        if (!_counterparts.TryGetValue((set.Relation, set.Language, set.Count), out var bySeed))
            _counterparts[(set.Relation, set.Language, set.Count)] = bySeed = new NeuronId[Seeds.Count][];
        int i = (int)seed - 1;
        if (i < 0 || i >= bySeed.Length) throw new ArgumentOutOfRangeException(nameof(seed), $"seed {seed} is not in 1..{bySeed.Length}");
        return bySeed[i] ??= RandomUnitSampler.Draw(Options.Random, set.Neurons, set.Count, Units,
            RandomUnitSampler.SeedFor(Options.Seed, set.Relation, set.Language, seed));
    }

    private Intervention MakeIntervention(RankedNeuronSet set, IReadOnlyList<NeuronId> units, IReadOnlyList<float>? ownMedians)
    {
        var value = Options.Value;
        switch (value.Kind)
        {
            case InterventionValue.ValueKind.Zero: return Intervention.Deactivate(units);
            case InterventionValue.ValueKind.Constant: return Intervention.Constant(units, value.ConstantValue);
        }
        if (ownMedians is not null) return new Intervention(units, ownMedians);
        var lookup = Inputs.MedianOnPositives ?? throw new UserInputException(
            $"--value on_p50 needs each unit's median on the positives of '{set.Relation}' ({set.Language}); the neuron set or the expertise output must provide them");
        return new Intervention(units, units.Select(u => lookup(set.Relation, set.Language, u)).ToArray());
    }
}
