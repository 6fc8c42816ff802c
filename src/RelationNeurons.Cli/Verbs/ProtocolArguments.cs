using System.CommandLine;
using RelationNeurons.Method;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// The method's choices as command-line options, shared by every verb: <c>--protocol paper</c>
/// (the default) or <c>kojima</c> picks all of them at once (<see cref="Protocol"/>), and an
/// explicit flag overrides that one choice. A verb adds the options it uses.
/// </summary>
internal sealed class ProtocolArguments
{
    public Option<string> Protocol { get; } = new("--protocol")
    {
        Description = "paper (the paper's text: ffn units, validated positives, 4x sampled negatives, top k, 2-token prefix answers, 10 uniform random sets, k sweep) " +
                      "or kojima (the code it builds on: all linear units, no validation, all negatives, top+bottom, 8-token answers, 3 layer-matched random sets); flags override",
        DefaultValueFactory = _ => "paper",
    };
    public Option<string?> Units { get; } = new("--units") { Description = "unit set: ffn (gate, up, down outputs: the paper's), all (every linear output; alias linear), mlp (hook_post), attention, gate, up or down" };
    public Option<string?> Validation { get; } = new("--validation") { Description = "on: keep only the detection prompts the model answers right (the paper's); off: keep all" };
    public Option<string?> Negatives { get; } = new("--negatives") { Description = "4x: 4 x positives sampled from the other relations (the paper's; any Nx), or all" };
    public Option<string?> Mode { get; } = new("--mode") { Description = "top (the paper's), both (top k/2 + bottom k/2) or bottom" };
    public Option<long?> Count { get; } = new("--count") { Description = "k, units per relation (default: 3,000 of 835,584 scaled to the model's unit count)" };
    public Option<double?> Fraction { get; } = new("--fraction") { Description = "k as a share of all units" };
    public Option<string?> Match { get; } = new("--match") { Description = "prefix-of-answer (the paper's: the trimmed generation is a prefix of the answer) or answer (the first line starts with the answer; use with --max-new-tokens 8)" };
    public Option<int?> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "tokens generated per prompt (the paper's 2)" };
    public Option<string?> Random { get; } = new("--random") { Description = "uniform (k units from the whole unit set: the paper's) or layer-matched (as many per layer and tap as the relation's set)" };
    public Option<int?> RandomSeeds { get; } = new("--random-seeds") { Description = "random baseline sets per relation (the paper's 10)" };
    public Option<string?> Sweep { get; } = new("--sweep") { Description = "k-sweep (the paper's k values, scaled) or scales (multiples of k, see --cumulativity-scales)" };

    public IEnumerable<Option> All => [Protocol, Units, Validation, Negatives, Mode, Count, Fraction, Match, MaxNewTokens, Random, RandomSeeds, Sweep];

    /// <summary>
    /// The choices that decide which units are selected (stages up to select): a verb that starts
    /// from selected neuron sets (`experiment`) does not offer them, so that they cannot be given
    /// there and silently do nothing.
    /// </summary>
    public IEnumerable<Option> SelectionChoices => [Units, Validation, Negatives, Mode, Count, Fraction];

    /// <summary>The named protocol with every flag given on the command line (or supplied, <see cref="FlagValues"/>) applied.</summary>
    public Protocol Resolve(FlagValues values)
    {
        var p = Method.Protocol.For(ProtocolNames.ParseProtocol(values.Get(Protocol)!));
        if (values.Get(Count) is not null && values.Get(Fraction) is not null)
            throw new UserInputException("give --count or --fraction, not both");
        if (values.Get(Units) is { } u) p = p with { Units = ProtocolNames.ParseUnits(u) };
        if (values.Get(Validation) is { } v)
            p = p with { ValidateDetectionPrompts = v.Trim().ToLowerInvariant() switch { "on" => true, "off" => false, _ => throw new UserInputException($"--validation '{v}' is not one of: on, off") } };
        if (values.Get(Negatives) is { } n)
        {
            var (sampling, perPositive) = ProtocolNames.ParseNegatives(n);
            p = p with { Negatives = sampling, NegativesPerPositive = perPositive };
        }
        if (values.Get(Mode) is { } m) p = p with { Mode = ProtocolNames.ParseMode(m) };
        if (values.Get(Count) is { } c) p = p with { Count = c };
        if (values.Get(Fraction) is { } f) p = p with { Fraction = f, Count = null };
        if (values.Get(Match) is { } match) p = p with { Match = ProtocolNames.ParseMatch(match) };
        if (values.Get(MaxNewTokens) is { } t) p = p with { MaxNewTokens = t };
        if (values.Get(Random) is { } r) p = p with { Random = ProtocolNames.ParseRandom(r) };
        if (values.Get(RandomSeeds) is { } s) p = p with { RandomSeeds = s };
        if (values.Get(Sweep) is { } w) p = p with { Sweep = ProtocolNames.ParseSweep(w) };
        p.Check();
        return p;
    }
}
