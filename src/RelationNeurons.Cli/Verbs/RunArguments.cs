using System.CommandLine;
using RelationNeurons.Data;
using RelationNeurons.Inference;
using RelationNeurons.Runs;

namespace RelationNeurons.Cli.Verbs;

/// <summary>
/// The options that say which run a folder holds, shared by `run` and `merge` (a merge must be
/// given the run's own options: they are checked against run.json and against every shard's
/// digest), plus the per-process resources (threads, memory) that let several shards share one machine.
/// </summary>
internal sealed class RunArguments
{
    private readonly Option<string?> _model = new("--model") { Description = $"model folder or Hub id (default: the embedded demo model models/{RunVerb.DemoModelName})" };
    private readonly Option<string?> _relations = new("--relations") { Description = RelationsVerb.RelationsOptionDescription };
    private readonly Option<string?> _output;
    private readonly Option<string?> _languages = new("--languages") { Description = "comma-separated languages (default: all)" };
    private readonly Option<string?> _relationIds = new("--relation-ids") { Description = "comma-separated relation ids (default: all)" };
    private readonly Option<string> _testSize = new("--test-size") { Description = "test facts per relation: auto, a count, a fraction or a percentage", DefaultValueFactory = _ => "auto" };
    private readonly Option<int?> _maxIdent = new("--max-identification") { Description = "at most this many identification prompts per relation and language" };
    private readonly Option<bool> _force = new("--force") { Description = "reuse a run folder made with other settings or another model, redoing every stage" };
    private readonly Option<bool> _streamLayers = new("--stream-layers") { Description = "record layer by layer so that about one layer's weights stay in memory (see `record --stream-layers`)" };
    private readonly ProcessResources _resources = new();
    private readonly ExperimentArguments _experiments = new();
    private readonly ComputeArgument _compute = new();

    /// <param name="outName">`--out` for run, `--run` for merge: the run folder.</param>
    public RunArguments(string outName = "--out") =>
        _output = new Option<string?>(outName) { Description = "run folder (default: runs/<model name>); an existing run with the same settings is resumed" };

    public IEnumerable<Option> All =>
        [_model, _relations, _output, _languages, _relationIds, _testSize, _maxIdent, _force, _streamLayers, .. _resources.All, _compute.Option, .. _experiments.All];

    /// <summary>The run's options; also applies --threads and --memory to this process.</summary>
    public RunOptions Options(ParseResult parse)
    {
        int threads = _resources.Apply(parse);
        string modelPath = parse.GetValue(_model) ?? RunVerb.DemoModelPath();
        return new RunOptions
        {
            Model = modelPath,
            Relations = BuiltInPaths.ResolveRelations(parse.GetValue(_relations)),
            OutFolder = parse.GetValue(_output) ?? RunVerb.DefaultOut(modelPath),
            Languages = ExperimentArguments.SplitList(parse.GetValue(_languages)),
            RelationIds = ExperimentArguments.SplitList(parse.GetValue(_relationIds)),
            TestSize = TestSize.Parse(parse.GetValue(_testSize)!),
            MaxIdentificationPrompts = parse.GetValue(_maxIdent),
            Protocol = _experiments.Protocol.Resolve(parse),
            Experiments = _experiments.Experiments(parse), Evaluation = _experiments.Evaluation(parse), Corpus = _experiments.CorpusPath(parse),
            Force = parse.GetValue(_force), StreamLayers = parse.GetValue(_streamLayers), Compute = _compute.Resolve(parse),
            MaxThreads = threads,
            ReproduceCommand = RunVerb.Reproduce(parse),
        };
    }
}
