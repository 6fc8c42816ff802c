using RelationNeurons.Data;
using RelationNeurons.Experiments.Runners;

namespace RelationNeurons.Runs;

/// <summary>The inputs of Fig 8, Table 2 and App E that a run folder and the model folder hold, added to the experiments' inputs (shared by `run` and `experiment`).</summary>
public static class ExperimentInputFiles
{
    public static ExperimentInputs WithRunFiles(this ExperimentInputs inputs, RunLayout layout, string? corpus, string modelFolder)
    {
        var (path, missing) = CorpusChoice.Resolve(corpus, modelFolder);
        return inputs with
        {
            // A run folder made before these files existed has none: Fig 8 and Table 2 then say so.
            AlternativePrompts = File.Exists(layout.AlternativeTestPrompts) ? PromptFile.Read(layout.AlternativeTestPrompts) : null,
            ObjectSentences = File.Exists(layout.ObjectSentences) ? ObjectSentenceFile.Read(layout.ObjectSentences) : null,
            Corpus = path,
            CorpusMissing = missing,
        };
    }
}
