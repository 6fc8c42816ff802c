using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.IO;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Analysis;

/// <summary>
/// <c>record --stream-layers</c>: the whole prompt set goes through layer 0, then layer 1, ...,
/// so that only one layer's weights need to be resident (each layer's pages are given back once
/// it is done) and a model larger than memory can be recorded. Every prompt's hidden state
/// (float32, one row per token) lives between layers in one of two files under
/// <c>stream/</c> of the record folder, read and written batch by batch, so it stays in the page
/// cache rather than in the process. Each layer file is written directly, for all prompts
/// (atomically, tap tensors filled batch by batch at their offsets), then a progress marker names
/// the layers done and the hidden-state file that holds their output: an interrupted run resumes
/// at the next layer. The files are byte for byte those of the chunked recorder: same batches,
/// same forward pass (resumed from the saved residual), same header.
/// </summary>
internal static class LayerStreamRecorder
{
    public const string WorkFolder = "stream";
    public const string ProgressFileName = "progress.json";
    private static readonly string[] HiddenFiles = ["hidden_a.f32", "hidden_b.f32"];

    /// <summary>
    /// What a streamed record needs: forward buffers and pooled values for one batch and one layer,
    /// a batch of hidden-state rows, and (for speed only) one layer's mapped weights.
    /// </summary>
    public static MemoryEstimate Estimate(LlamaModel model, UnitSpace units, int batchPrompts, int maxPromptTokens)
    {
        var c = model.Config;
        var record = MemoryEstimate.ForRecord(c, new LayerStream(model).LayerWeightBytes(0), model.Options, batchPrompts,
            units.TotalUnits / units.Layers, maxPromptTokens, packedLayers: 1, stored: model.ProjectionType);
        return record with
        {
            OtherBytes = record.OtherBytes + (long)batchPrompts * maxPromptTokens * c.HiddenSize * sizeof(float),
            Remedy = "a smaller --batch (prompts per step) or a smaller --batch-tokens",
        };
    }

    public static void Run(LlamaModel model, IReadOnlyList<RecordPrompt> prompts, string outputDirectory, UnitSpace units,
        RecordOptions options, string fingerprint, IProgress<RecordProgress>? progress, CancellationToken cancel)
    {
        var config = model.Config;
        int h = config.HiddenSize, layers = units.Layers, count = prompts.Count, batch = options.BatchPrompts;
        string work = Path.Combine(outputDirectory, WorkFolder);
        Directory.CreateDirectory(work);
        var stream = new LayerStream(model);

        var ids = prompts.Select(p => p.Ids).ToArray();
        var startsWithBos = prompts.Select(p => p.Ids[0] == config.BosTokenId).ToArray();
        var rowStart = new long[count + 1];
        for (int i = 0; i < count; i++) rowStart[i + 1] = rowStart[i] + ids[i].Length;
        long hiddenBytes = rowStart[count] * h * sizeof(float);

        var (resumed, current) = ReadProgress(outputDirectory, work, fingerprint, layers, hiddenBytes);
        progress?.Report(new RecordProgress(0, count, 0, resumed, layers, resumed, 0));

        int maxBatchRows = 0;
        for (int first = 0; first < count; first += batch)
            maxBatchRows = Math.Max(maxBatchRows, (int)(rowStart[Math.Min(count, first + batch)] - rowStart[first]));
        var state = new float[(long)maxBatchRows * h];

        if (current < 0)
        {
            // The embeddings first, on their own: a batch touches rows all over the embedding matrix
            // (and the kernel maps neighbouring pages with each), so its pages go back after every batch.
            current = 0;
            using (var embedded = File.OpenHandle(Path.Combine(work, HiddenFiles[current]), FileMode.Create, FileAccess.ReadWrite))
            {
                for (int first = 0; first < count; first += batch)
                {
                    cancel.ThrowIfCancellationRequested();
                    int n = Math.Min(batch, count - first);
                    var rows = state.AsSpan(0, checked((int)((rowStart[first + n] - rowStart[first]) * h)));
                    stream.Embed(ids.AsSpan(first, n).ToArray(), rows);
                    stream.ReleaseEmbedding();
                    RandomAccess.Write(embedded, MemoryMarshal.AsBytes(rows), rowStart[first] * h * sizeof(float));
                }
                RandomAccess.FlushToDisk(embedded);
            }
            WriteProgress(work, fingerprint, 0, current);
        }

        for (int l = resumed; l < layers; l++)
        {
            cancel.ThrowIfCancellationRequested();
            int output = 1 - current;
            bool keepOutput = l < layers - 1;   // nothing reads the last layer's output
            using (var input = File.OpenHandle(Path.Combine(work, HiddenFiles[current]), FileMode.Open, FileAccess.Read))
            using (var next = keepOutput ? File.OpenHandle(Path.Combine(work, HiddenFiles[output]), FileMode.Create, FileAccess.ReadWrite) : null)
            {
                var readers = new PoolingReader[units.Taps.Count];
                var hooks = new HookSet();
                for (int k = 0; k < units.Taps.Count; k++)
                    hooks.AddReader(new HookPoint(l, units.Taps[k].Kind), readers[k] = new PoolingReader(options.Pooling, units.Taps[k].Width));
                int layer = l;
                WriteLayer(outputDirectory, units, l, count, options.Dtype, (first, n) =>
                {
                    cancel.ThrowIfCancellationRequested();
                    var batchIds = ids.AsSpan(first, n).ToArray();
                    var rows = state.AsSpan(0, checked((int)((rowStart[first + n] - rowStart[first]) * h)));
                    long offset = rowStart[first] * h * sizeof(float);
                    ReadExactly(input, MemoryMarshal.AsBytes(rows), offset);
                    foreach (var reader in readers) reader.Reset(n, startsWithBos.AsSpan(first, n).ToArray());
                    stream.RunLayer(layer, batchIds, rows, hooks);
                    if (next is not null) RandomAccess.Write(next, MemoryMarshal.AsBytes(rows), offset);
                    progress?.Report(new RecordProgress(0, count, 0, layer, layers, resumed, first + n));
                    return readers;
                }, batch);
                if (next is not null) RandomAccess.FlushToDisk(next);
            }
            if (keepOutput) WriteProgress(work, fingerprint, l + 1, output);
            current = output;
            // The layer is done for every prompt: its weights are not needed again.
            stream.ReleaseLayer(l);
            progress?.Report(new RecordProgress(l == layers - 1 ? count : 0, count, 0, l + 1, layers, resumed, 0));
        }
    }

    /// <summary>
    /// Writes one layer file, header first (known from the shapes), then asks <paramref name="batchOutput"/>
    /// for the pooled values of each batch of prompts and puts every tap's rows at their place.
    /// </summary>
    private static void WriteLayer(string directory, UnitSpace units, int layer, int prompts, SafetensorsDtype dtype,
        Func<int, int, PoolingReader[]> batchOutput, int batch)
    {
        int elementSize = SafetensorsFile.ElementSize(dtype);
        var (header, _, tensorOffset, dataBytes) = Recorder.LayerFileHeader(units, layer, prompts, dtype);
        Half[] halves = [];
        AtomicFile.Write(Path.Combine(directory, RecordManifest.LayerFileName(layer)), stream =>
        {
            SafetensorsHeader.Write(stream, header);
            long dataStart = stream.Position;
            stream.SetLength(dataStart + dataBytes);
            for (int first = 0; first < prompts; first += batch)
            {
                int n = Math.Min(batch, prompts - first);
                var readers = batchOutput(first, n);
                for (int k = 0; k < units.Taps.Count; k++)
                {
                    var tap = units.Taps[k];
                    var values = readers[k].Output.AsSpan(0, n * tap.Width);
                    stream.Seek(dataStart + tensorOffset[k] + (long)first * tap.Width * elementSize, SeekOrigin.Begin);
                    if (dtype == SafetensorsDtype.F16)
                    {
                        Recorder.CheckHalfRange(values, layer, tap, first);
                        if (halves.Length < values.Length) halves = new Half[values.Length];
                        for (int i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
                        stream.Write(MemoryMarshal.AsBytes(halves.AsSpan(0, values.Length)));
                    }
                    else stream.Write(MemoryMarshal.AsBytes(values));
                }
            }
        });
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset)
    {
        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(file, destination, offset);
            if (read <= 0) throw new UserInputException("a hidden-state file of the unfinished record is shorter than expected; delete its stream folder and record again");
            destination = destination[read..];
            offset += read;
        }
    }

    private static void WriteProgress(string work, string fingerprint, int layersDone, int hidden) =>
        AtomicFile.WriteAllText(Path.Combine(work, ProgressFileName), new JsonObject
        {
            ["fingerprint"] = fingerprint, ["layers_done"] = layersDone, ["hidden"] = HiddenFiles[hidden],
        }.ToJsonString() + "\n");

    /// <summary>
    /// Layers already done by an interrupted run with the same fingerprint, and the hidden-state
    /// file holding their output (the embeddings when no layer is done); (0, -1) when there is
    /// nothing usable to resume from.
    /// </summary>
    private static (int LayersDone, int Hidden) ReadProgress(string directory, string work, string fingerprint, int layers, long hiddenBytes)
    {
        string path = Path.Combine(work, ProgressFileName);
        if (!File.Exists(path)) return (0, -1);
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            if (node?["fingerprint"]?.GetValue<string>() != fingerprint) return (0, -1);
            int done = node["layers_done"]?.GetValue<int>() ?? 0;
            int hidden = Array.IndexOf(HiddenFiles, node["hidden"]?.GetValue<string>());
            if (done < 0 || done >= layers || hidden < 0) return (0, -1);
            var file = new FileInfo(Path.Combine(work, HiddenFiles[hidden]));
            if (!file.Exists || file.Length != hiddenBytes) return (0, -1);
            for (int l = 0; l < done; l++)
                if (!File.Exists(Path.Combine(directory, RecordManifest.LayerFileName(l)))) return (0, -1);
            return (done, hidden);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return (0, -1); }
    }
}
