using RelationNeurons.IO;

namespace RelationNeurons.Experiments.Results;

/// <summary>
/// The paper's Table 2 (<c>perplexity.json</c>): perplexity of each relation's object sentences
/// (an object without subject or relation) with the clean model, with the relation's neurons off,
/// and with random sets of the same size (mean over seeds). <see cref="Skipped"/>: why nothing was
/// computed (null when something was).
/// </summary>
public sealed record ObjectPerplexityResult(IReadOnlyList<ObjectPerplexityEntry> Entries, string? Skipped) : IVersionedResult
{
    public int SchemaVersion { get; init; } = ResultJson.CurrentSchemaVersion;
}

/// <summary>
/// One relation's sentences in one language: <see cref="Sentences"/> texts of <see cref="Tokens"/>
/// predicted tokens in all. <see cref="RandomSeeds"/> random sets were averaged into <see cref="Random"/>.
/// </summary>
public sealed record ObjectPerplexityEntry(
    string Relation, string Language, int NeuronCount, int Sentences, int Tokens, int RandomSeeds,
    PerplexityValues Clean, PerplexityValues Deactivated, PerplexityValues Random);

/// <summary>
/// Two summaries of a list of texts' perplexities: <see cref="MeanText"/>, the mean of each
/// sentence's exp(mean NLL) (each sentence weighs the same; Hugging Face evaluate's
/// <c>mean_perplexity</c>, the value compared with the paper's), and <see cref="Pooled"/>, exp of
/// the mean NLL over every token of every sentence.
/// </summary>
public sealed record PerplexityValues(double MeanText, double Pooled);
