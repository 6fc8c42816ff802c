using RelationNeurons.Data;
using RelationNeurons.Experiments.Evaluation;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Experiments.Results;
using RelationNeurons.Hooks;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Names the conditions every experiment uses and fixes what each covers, so that experiments
/// share evaluations: the deactivation of r's set found in language A (and each of its random
/// baselines) is evaluated once, on every test prompt of A plus r's prompts in the other
/// languages, and serves the intra-relation, inter-relation and cross-lingual experiments.
/// Cumulativity prefixes cover r's prompts in A only.
/// </summary>
public sealed class ConditionPlanner
{
    private readonly Dictionary<(string, string), NeuronId[][]> _counterparts = new();

    public ConditionPlanner(ExperimentInputs inputs, ExperimentOptions options)
    {
        options.Validate();
        Inputs = inputs;
        Options = options;
        TestLanguages = inputs.TestPrompts.Select(p => p.Language).Distinct().Order(StringComparer.Ordinal).ToArray();
        Seeds = ExperimentOptions.SeedValues(options.RandomSeeds);
    }

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

    /// <summary>r's set found in A, deactivated.</summary>
    public ConditionRequest Deactivated(string relation, string language)
    {
        var set = Inputs.Sets.Get(relation, language);
        return new ConditionRequest(DeactivatedLabel(relation, language), SetScope(relation, language),
            MakeIntervention(set, set.Neurons, set.MedianOnPositives));
    }

    /// <summary>A layer-matched random set of the size of r's set found in A.</summary>
    public ConditionRequest Random(string relation, string language, long seed)
    {
        var set = Inputs.Sets.Get(relation, language);
        var units = CounterpartsOf(set, seed);
        return new ConditionRequest(ConditionLabel.Random(ConditionLabel.InLanguage(relation, language), seed), SetScope(relation, language),
            MakeIntervention(set, units, null));
    }

    /// <summary>The first <paramref name="count"/> units of r's ranked set; the whole set is <see cref="Deactivated"/>.</summary>
    public ConditionRequest Prefix(string relation, string language, int count)
    {
        var set = Inputs.Sets.Get(relation, language);
        if (count >= set.Count) return Deactivated(relation, language);
        var units = set.Neurons.Take(count).ToArray();
        return new ConditionRequest(ConditionLabel.Deactivate(ConditionLabel.InLanguage(relation, language), $"{Inputs.Sets.Selection}{count}"),
            RelationScope(relation, language), MakeIntervention(set, units, set.MedianOnPositives?.Take(count).ToArray()));
    }

    /// <summary>The random counterpart of a prefix: layer-matched to the prefix, nested across prefixes.</summary>
    public ConditionRequest RandomPrefix(string relation, string language, int count, long seed)
    {
        var set = Inputs.Sets.Get(relation, language);
        if (count >= set.Count) return Random(relation, language, seed);
        var units = CounterpartsOf(set, seed).Take(count).ToArray();
        return new ConditionRequest(ConditionLabel.Random(ConditionLabel.InLanguage(relation, language) + $"/{Inputs.Sets.Selection}{count}", seed),
            RelationScope(relation, language), MakeIntervention(set, units, null));
    }

    /// <summary>Neuron counts of the cumulativity sweep of a set: each share of its size, at least 1, without repeats.</summary>
    public IReadOnlyList<(double Share, int Count)> CumulativityCounts(int setSize)
    {
        var result = new List<(double, int)>();
        var seen = new HashSet<int>();
        foreach (double share in Options.CumulativityShares.Order())
        {
            int n = Math.Clamp((int)Math.Round(share * setSize, MidpointRounding.AwayFromZero), 1, setSize);
            if (seen.Add(n)) result.Add((share, n));
        }
        return result;
    }

    public string DeactivatedLabel(string relation, string language) =>
        ConditionLabel.Deactivate(ConditionLabel.InLanguage(relation, language), Inputs.Sets.Selection);

    /// <summary>Every test prompt of A, and r's test prompts in every other language.</summary>
    private IReadOnlyList<Prompt> SetScope(string relation, string language) =>
        Inputs.TestPrompts.Where(p => p.Language == language || p.Relation == relation).ToArray();

    private IReadOnlyList<Prompt> RelationScope(string relation, string language) =>
        Inputs.TestPrompts.Where(p => p.Language == language && p.Relation == relation).ToArray();

    private NeuronId[] CounterpartsOf(RankedNeuronSet set, long seed)
    {
        if (!_counterparts.TryGetValue((set.Relation, set.Language), out var bySeed))
            _counterparts[(set.Relation, set.Language)] = bySeed = new NeuronId[Seeds.Count][];
        int i = (int)seed - 1;
        if (i < 0 || i >= bySeed.Length) throw new ArgumentOutOfRangeException(nameof(seed), $"seed {seed} is not in 1..{bySeed.Length}");
        return bySeed[i] ??= LayerMatchedSampler.Counterparts(set.Neurons, Inputs.Config,
            LayerMatchedSampler.SeedFor(Options.Seed, set.Relation, set.Language, seed));
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
