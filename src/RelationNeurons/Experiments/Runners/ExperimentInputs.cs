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
    IReadOnlyList<Prompt>? DetectionPrompts = null);
