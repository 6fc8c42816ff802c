using RelationNeurons.Experiments.Results;
using RelationNeurons.IO;
using RelationNeurons.Evaluation;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// Keeps each condition's <see cref="EvaluationResult"/> in <c>evaluations/</c> of a run folder,
/// beside a <c>.key</c> file holding the digest of the request and of the evaluation settings
/// (<paramref name="salt"/>: model, decoding options). A stored result is reused only when both
/// match, so an interrupted experiment resumes condition by condition, and a changed neuron set
/// or option is evaluated afresh. A store without a folder keeps nothing.
/// </summary>
public sealed class EvaluationStore(string? folder, string salt)
{
    public string? Folder { get; } = folder;

    public static EvaluationStore InMemory { get; } = new(null, "");

    public static EvaluationStore ForRun(string runFolder, string salt) =>
        new(Path.Combine(runFolder, RunFiles.EvaluationsFolder), salt);

    /// <summary>What, besides a condition itself, decides its outcomes: the model's weights and the decoding settings.</summary>
    public static string Salt(string weightsSha256, Evaluation.EvaluationOptions options, Inference.ComputePrecision compute) =>
        $"{weightsSha256}/{options.MaxNewTokens}/{Method.ProtocolNames.Of(options.Match)}" +
        (compute == Inference.ComputePrecision.F32 ? "" : "/" + Inference.ComputePrecisions.Name(compute)); // float32 keys as before the option

    public bool TryLoad(ConditionRequest request, out EvaluationResult result)
    {
        result = null!;
        if (Folder is null) return false;
        var (file, keyFile) = Paths(request);
        if (!File.Exists(file) || !File.Exists(keyFile)) return false;
        if (File.ReadAllText(keyFile).Trim() != KeyOf(request)) return false;
        try { result = ResultJson.Load<EvaluationResult>(file); }
        catch (UserInputException) { return false; } // a damaged file is evaluated again
        return result.Condition == request.Label && result.Outcomes.Count == request.Scope.Count;
    }

    public void Save(ConditionRequest request, EvaluationResult result)
    {
        if (Folder is null) return;
        Directory.CreateDirectory(Folder);
        var (file, keyFile) = Paths(request);
        ResultJson.Save(file, result);
        // The key goes last: a result without its key is never trusted.
        AtomicFile.WriteAllText(keyFile, KeyOf(request) + "\n");
    }

    private string KeyOf(ConditionRequest request) => $"{request.Key}:{salt}";

    private (string File, string KeyFile) Paths(ConditionRequest request)
    {
        string file = Path.Combine(Folder!, RunFiles.EvaluationFileName(request.Label));
        return (file, Path.ChangeExtension(file, ".key"));
    }
}
