using RelationNeurons.Data;
using RelationNeurons.Experiments.Results;

namespace RelationNeurons.Runs;

/// <summary>Where each stage of a run keeps its outputs inside the run folder.</summary>
public sealed class RunLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Manifest => Path.Combine(Root, RunManifest.FileName);
    public string Prompts => Path.Combine(Root, "prompts");
    public string TestPrompts => Path.Combine(Prompts, PromptFile.TestFileName);
    public string IdentificationPrompts => Path.Combine(Prompts, PromptFile.IdentificationFileName);
    /// <summary>P^eva-2: the test facts in the relations' alternative templates (Fig 8); empty when the set has none.</summary>
    public string AlternativeTestPrompts => Path.Combine(Prompts, "test_alternative.jsonl");
    /// <summary>The relation set's object sentences (Table 2); empty when the set has none.</summary>
    public string ObjectSentences => Path.Combine(Prompts, ObjectSentenceFile.FileName);
    public string Validation => Path.Combine(Root, "validation");
    /// <summary>The detection prompts that go on to the record stage (all of them when validation is off).</summary>
    public string ValidatedPrompts => Path.Combine(Validation, "detection.jsonl");
    public string Record => Path.Combine(Root, "record");
    public string Expertise => Path.Combine(Root, "expertise");
    public string Selection => Path.Combine(Root, "selection");
    public string NeuronSets => Path.Combine(Selection, "neuron_sets.json");
    public string Evaluations => Path.Combine(Root, RunFiles.EvaluationsFolder);
    public string Summary => Path.Combine(Root, RunFiles.Summary);
}
