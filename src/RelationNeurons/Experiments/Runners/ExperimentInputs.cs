using RelationNeurons.Data;
using RelationNeurons.Experiments.NeuronSets;
using RelationNeurons.Hooks;
using RelationNeurons.Models;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// What the experiments read: the model's shape (for layer-matched random sets), the test
/// prompts, the relations' neuron sets, and optionally every unit's median on a relation's
/// positives (needed only for the <c>on_p50</c> value on random sets) and the relations' full
/// expertise ranking (the cumulativity sweep's points beyond the selected N; without it the sweep
/// stops at N), and the validated detection prompts on which the intra-relation experiment is
/// repeated (the paper's Fig 3b; null: not repeated).
/// </summary>
public sealed record ExperimentInputs(
    LlamaConfig Config,
    IReadOnlyList<Prompt> TestPrompts,
    NeuronSetCollection Sets,
    Func<string, string, NeuronId, float>? MedianOnPositives = null,
    ICumulativityRanking? Ranking = null,
    IReadOnlyList<Prompt>? DetectionPrompts = null)
{
    /// <summary>P^eva-2: the test facts in the relations' alternative templates (Fig 8; null or empty: not run).</summary>
    public IReadOnlyList<Prompt>? AlternativePrompts { get; init; }

    /// <summary>The relations' object sentences (Table 2; null or empty: not run).</summary>
    public IReadOnlyList<RelationObjectSentence>? ObjectSentences { get; init; }

    /// <summary>The corpus of App E, a folder or a .txt/.jsonl file (null: not run, see <see cref="CorpusMissing"/>).</summary>
    public string? Corpus { get; init; }

    /// <summary>Why there is no corpus, for the report (e.g. "no --corpus given and no training_corpus.jsonl beside the model").</summary>
    public string? CorpusMissing { get; init; }
}
