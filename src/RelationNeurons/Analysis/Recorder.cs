using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.IO;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Method;

namespace RelationNeurons.Analysis;

/// <summary>One prompt to record: its token ids (BOS included when wanted) and its label.</summary>
public sealed record RecordPrompt(int[] Ids, PromptLabel Label);

public sealed record RecordOptions
{
    /// <summary>The unit set (the protocol's default: the paper's FFN outputs).</summary>
    public UnitSet Units { get; init; } = Protocol.Paper.Units;
    public Pooling Pooling { get; init; } = Pooling.Mean;
    /// <summary>F32 (default) or F16 (half the disk; values beyond ±65504 are refused).</summary>
    public SafetensorsDtype Dtype { get; init; } = SafetensorsDtype.F32;
    /// <summary>Prompts per forward pass and per resumable chunk.</summary>
    public int BatchPrompts { get; init; } = 16;
    public string? ModelName { get; init; }
    public string? PromptsFile { get; init; }
    /// <summary>
    /// Record layer by layer (all prompts through layer 0, then 1, ...) so that about one layer's
    /// weights are resident: for models larger than memory. Same files as the default mode.
    /// </summary>
    public bool StreamLayers { get; init; }
}

/// <summary>
/// Prompts recorded so far, out of all (including those found done on resume). A layer-streamed
/// record (<see cref="RecordOptions.StreamLayers"/>) finishes every prompt only with its last
/// layer: it reports layers done (and resumed) and the prompts done within the current layer.
/// </summary>
public readonly record struct RecordProgress(int PromptsDone, int Prompts, int PromptsResumed,
    int LayersDone = 0, int Layers = 0, int LayersResumed = 0, int LayerPromptsDone = 0)
{
    /// <summary>Share of the whole work done, 0 to 1, in either mode.</summary>
    public double Fraction => Layers > 0
        ? (LayersDone + (double)LayerPromptsDone / Math.Max(1, Prompts)) / Layers
        : (double)PromptsDone / Math.Max(1, Prompts);
}

/// <summary>
/// Runs the model over prompts in batches and keeps, for every unit of the unit set, one pooled
/// value per prompt. Pooling happens in <see cref="PoolingReader"/>s inside the forward pass.
/// Each batch is written atomically as a chunk file under <c>chunks/</c>; a re-run with the same
/// settings skips the chunks already there. When every chunk exists they are assembled, layer by
/// layer and streamed, into the record folder's layer files; the labels and <c>record.json</c>
/// are written last and the chunks removed.
/// </summary>
public static class Recorder
{
    public const string ChunkFolder = "chunks";
    public const string PartialFileName = "record.partial.json";

    public static RecordManifest Record(LlamaModel model, IReadOnlyList<RecordPrompt> prompts, string outputDirectory,
        RecordOptions? options = null, IProgress<RecordProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new RecordOptions();
        var (manifest, units, labels) = Prepare(model, prompts, options);
        string fingerprint = manifest.Fingerprint!;

        Directory.CreateDirectory(outputDirectory);
        if (File.Exists(Path.Combine(outputDirectory, RecordManifest.FileName)))
        {
            var existing = RecordManifest.Load(outputDirectory);
            if (existing.Fingerprint != fingerprint)
                throw new UserInputException($"{outputDirectory} already holds a finished record made with other settings or prompts; choose another --out or delete it");
            // A kill after the manifest was written can leave the finishing step's cleanup half done.
            RemoveWorkFiles(outputDirectory);
            progress?.Report(new RecordProgress(prompts.Count, prompts.Count, prompts.Count));
            return existing;
        }
        string partial = Path.Combine(outputDirectory, PartialFileName);
        RefuseOtherPartial(outputDirectory, fingerprint);
        AtomicFile.WriteAllText(partial, new JsonObject { ["fingerprint"] = fingerprint, ["prompts"] = prompts.Count }.ToJsonString() + "\n");
        if (options.StreamLayers)
        {
            LayerStreamRecorder.Run(model, prompts, outputDirectory, units, options, fingerprint, progress, cancel);
            cancel.ThrowIfCancellationRequested();
            labels.Save(Path.Combine(outputDirectory, manifest.Labels));
            manifest.Save(outputDirectory);
            RemoveWorkFiles(outputDirectory);
            return manifest;
        }
        string chunks = Path.Combine(outputDirectory, ChunkFolder);
        int chunkCount = ChunkCount(prompts.Count, options.BatchPrompts);
        RecordChunks(model, prompts, chunks, units, options, 0, chunkCount, progress, cancel);

        cancel.ThrowIfCancellationRequested();
        Assemble(outputDirectory, chunks, units, chunkCount, options.BatchPrompts, prompts.Count, options.Dtype);
        labels.Save(Path.Combine(outputDirectory, manifest.Labels));
        manifest.Save(outputDirectory);
        RemoveWorkFiles(outputDirectory);
        return manifest;
    }

    /// <summary>
    /// One shard's share of a record: the chunks of its contiguous range of batches (each written
    /// atomically under its own name, skipped when already there), nothing else. Once every
    /// shard's chunks exist, <see cref="Record"/> with the same settings finds them all and only
    /// assembles the layer files: the record one process would have written, byte for byte.
    /// Returns the shard's chunks (first, count) out of all.
    /// </summary>
    public static (int FirstChunk, int Chunks, int TotalChunks) RecordShard(LlamaModel model, IReadOnlyList<RecordPrompt> prompts, string outputDirectory,
        Shard shard, RecordOptions? options = null, IProgress<RecordProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new RecordOptions();
        if (options.StreamLayers)
            throw new UserInputException("--stream-layers takes every prompt through one layer at a time and cannot be sharded by prompts; shard without it");
        var (manifest, units, _) = Prepare(model, prompts, options);
        // Shards never write record.partial.json (they would all write it); they only refuse one left by other settings.
        RefuseOtherPartial(outputDirectory, manifest.Fingerprint!);
        int chunkCount = ChunkCount(prompts.Count, options.BatchPrompts);
        var (first, count) = shard.Range(chunkCount);
        RecordChunks(model, prompts, Path.Combine(outputDirectory, ChunkFolder), units, options, first, count, progress, cancel);
        return (first, count, chunkCount);
    }

    /// <summary>Checks the prompts and options and makes the manifest (fingerprint included); refuses, before hours of work, buffers that cannot fit.</summary>
    private static (RecordManifest Manifest, UnitSpace Units, PromptLabels Labels) Prepare(LlamaModel model, IReadOnlyList<RecordPrompt> prompts, RecordOptions options)
    {
        if (prompts.Count == 0) throw new UserInputException("no prompts to record");
        if (options.BatchPrompts <= 0) throw new UserInputException($"--batch must be positive, got {options.BatchPrompts}");
        if (options.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16))
            throw new UserInputException($"record dtype must be F32 or F16, got {options.Dtype}");
        for (int i = 0; i < prompts.Count; i++)
            if (prompts[i].Ids.Length == 0) throw new UserInputException($"prompt {i} has no tokens");
        var labels = new PromptLabels(prompts.Select(p => p.Label));

        var config = model.Config;
        var kinds = UnitSets.Kinds(options.Units);
        var manifest = new RecordManifest
        {
            Model = options.ModelName ?? model.Directory,
            Units = ProtocolNames.Of(options.Units),
            Taps = kinds.Select(HookPoint.SuffixOf).ToList(),
            Widths = kinds.Select(k => TapShapes.Width(config, k)).ToList(),
            Layers = config.NumHiddenLayers,
            Prompts = prompts.Count,
            Pooling = options.Pooling,
            Dtype = options.Dtype.ToString(),
            PromptsFile = options.PromptsFile,
            Compute = model.Options.Compute == ComputePrecision.F32 ? null : ComputePrecisions.Name(model.Options.Compute),
        };
        var units = manifest.UnitSpace();
        if (options.StreamLayers)
            MemoryGuard.Check(LayerStreamRecorder.Estimate(model, units, Math.Min(options.BatchPrompts, prompts.Count),
                prompts.Max(p => p.Ids.Length)), "record --stream-layers");
        else
            MemoryGuard.Check(MemoryEstimate.ForRecord(config, model.MappedBytes, model.Options, Math.Min(options.BatchPrompts, prompts.Count),
                units.TotalUnits, prompts.Max(p => p.Ids.Length), stored: model.ProjectionType), "record");
        return (manifest with { Fingerprint = Fingerprint(manifest, options, prompts) }, units, labels);
    }

    private static void RefuseOtherPartial(string outputDirectory, string fingerprint)
    {
        string partial = Path.Combine(outputDirectory, PartialFileName);
        if (File.Exists(partial) && ReadPartialFingerprint(partial) != fingerprint)
            throw new UserInputException($"{outputDirectory} holds an unfinished record made with other settings or prompts; re-run with the same settings to resume, or choose another --out");
    }

    private static int ChunkCount(int prompts, int batch) => (prompts + batch - 1) / batch;

    /// <summary>Records chunks [first, first + count) that are not on disk yet, one forward pass per chunk.</summary>
    private static void RecordChunks(LlamaModel model, IReadOnlyList<RecordPrompt> prompts, string chunks, UnitSpace units, RecordOptions options,
        int firstChunk, int chunkCount, IProgress<RecordProgress>? progress, CancellationToken cancel)
    {
        Directory.CreateDirectory(chunks);
        int batch = options.BatchPrompts;
        var range = Enumerable.Range(firstChunk, chunkCount).ToArray();
        int total = range.Sum(c => ChunkSize(c, batch, prompts.Count));
        int resumed = range.Where(c => File.Exists(ChunkPath(chunks, c))).Sum(c => ChunkSize(c, batch, prompts.Count));
        int done = resumed;
        progress?.Report(new RecordProgress(done, total, resumed));

        var readers = new PoolingReader[units.Layers, units.Taps.Count];
        var hooks = new HookSet();
        for (int l = 0; l < units.Layers; l++)
            for (int k = 0; k < units.Taps.Count; k++)
                hooks.AddReader(new HookPoint(l, units.Taps[k].Kind), readers[l, k] = new PoolingReader(options.Pooling, units.Taps[k].Width));

        foreach (int c in range)
        {
            string path = ChunkPath(chunks, c);
            if (File.Exists(path)) continue;
            cancel.ThrowIfCancellationRequested();
            int first = c * batch, count = ChunkSize(c, batch, prompts.Count);
            var ids = new int[count][];
            var startsWithBos = new bool[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = prompts[first + i].Ids;
                startsWithBos[i] = ids[i][0] == model.Config.BosTokenId;
            }
            foreach (var reader in readers) reader.Reset(count, startsWithBos);
            model.Forward(ids, hooks, LogitsSelection.None);
            WriteChunk(path, units, readers, count, options.Dtype, first);
            done += count;
            progress?.Report(new RecordProgress(done, total, resumed));
        }
    }

    /// <summary>Deletes the resume state (partial marker and chunks) once the record's manifest is written.</summary>
    private static void RemoveWorkFiles(string outputDirectory)
    {
        File.Delete(Path.Combine(outputDirectory, PartialFileName));
        string chunks = Path.Combine(outputDirectory, ChunkFolder);
        if (Directory.Exists(chunks)) Directory.Delete(chunks, recursive: true);
        string stream = Path.Combine(outputDirectory, LayerStreamRecorder.WorkFolder);
        if (Directory.Exists(stream)) Directory.Delete(stream, recursive: true);
    }

    private static string? ReadPartialFingerprint(string partial)
    {
        try { return JsonNode.Parse(File.ReadAllText(partial))?["fingerprint"]?.GetValue<string>(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>Settings and prompts (ids and labels) hashed: a chunk is reused only under the same fingerprint.</summary>
    private static string Fingerprint(RecordManifest manifest, RecordOptions options, IReadOnlyList<RecordPrompt> prompts)
    {
        ulong hash = 0xCBF29CE484222325UL;
        void Mix(ReadOnlySpan<byte> bytes) { foreach (byte b in bytes) { hash ^= b; hash *= 0x100000001B3UL; } }
        Mix(System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest with { PromptsFile = null }, RecordManifest.JsonOptions)));
        Mix(BitConverter.GetBytes(options.BatchPrompts));
        foreach (var p in prompts)
        {
            Mix(MemoryMarshal.AsBytes(p.Ids.AsSpan()));
            Mix(System.Text.Encoding.UTF8.GetBytes($"|{p.Label.Relation}|{p.Label.Language}|{p.Label.FactId}\n"));
        }
        return hash.ToString("x16");
    }

    private static int ChunkSize(int chunk, int batch, int prompts) => Math.Min(batch, prompts - chunk * batch);

    private static string ChunkPath(string chunks, int chunk) => Path.Combine(chunks, $"chunk_{chunk:D6}.safetensors");

    private static void WriteChunk(string path, UnitSpace units, PoolingReader[,] readers, int count, SafetensorsDtype dtype, int firstPrompt)
    {
        var writer = new SafetensorsWriter().AddMetadata("first_prompt", firstPrompt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int l = 0; l < units.Layers; l++)
            for (int k = 0; k < units.Taps.Count; k++)
            {
                var tap = units.Taps[k];
                var values = readers[l, k].Output.AsSpan(0, count * tap.Width);
                if (dtype == SafetensorsDtype.F16) CheckHalfRange(values, l, tap, firstPrompt);
                writer.AddFloat(RecordFolder.TensorName(l, tap), dtype, values, count, tap.Width);
            }
        writer.Save(path);
    }

    internal static void CheckHalfRange(ReadOnlySpan<float> values, int layer, TapWidth tap, int firstPrompt)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (Math.Abs(values[i]) <= (float)Half.MaxValue) continue;
            var unit = new NeuronId(new HookPoint(layer, tap.Kind), i % tap.Width);
            throw new UserInputException($"{unit}: pooled value {values[i]} of prompt {firstPrompt + i / tap.Width} does not fit float16; record with --dtype f32");
        }
    }

    /// <summary>
    /// The header of layer <paramref name="layer"/>'s file, which both recorders write: one tensor
    /// [prompts × width] per tap, sorted by name, no metadata. Also the taps in data order, each
    /// tap's data offset, and the data's total bytes.
    /// </summary>
    internal static (JsonObject Header, int[] Order, long[] Offsets, long DataBytes) LayerFileHeader(UnitSpace units, int layer, int prompts, SafetensorsDtype dtype)
    {
        int elementSize = SafetensorsFile.ElementSize(dtype);
        var order = Enumerable.Range(0, units.Taps.Count)
            .OrderBy(k => RecordFolder.TensorName(layer, units.Taps[k]), StringComparer.Ordinal).ToArray();
        var header = new JsonObject();
        var offsets = new long[units.Taps.Count];
        long offset = 0;
        foreach (int k in order)
        {
            long bytes = (long)prompts * units.Taps[k].Width * elementSize;
            header[RecordFolder.TensorName(layer, units.Taps[k])] = SafetensorsHeader.Entry(dtype, [prompts, units.Taps[k].Width], offset, offset + bytes);
            offsets[k] = offset;
            offset += bytes;
        }
        return (header, order, offsets, offset);
    }

    /// <summary>
    /// Writes each layer file by streaming every chunk's rows tap after tap: the header is known
    /// from the shapes, so no layer is ever held whole in memory.
    /// </summary>
    private static void Assemble(string directory, string chunks, UnitSpace units, int chunkCount, int batch, int prompts, SafetensorsDtype dtype)
    {
        int elementSize = SafetensorsFile.ElementSize(dtype);
        for (int l = 0; l < units.Layers; l++)
        {
            var files = new SafetensorsFile[chunkCount];
            try
            {
                for (int c = 0; c < chunkCount; c++) files[c] = SafetensorsFile.Open(ChunkPath(chunks, c));
                var (header, order, _, _) = LayerFileHeader(units, l, prompts, dtype);
                int layer = l;
                AtomicFile.Write(Path.Combine(directory, RecordManifest.LayerFileName(l)), stream =>
                {
                    SafetensorsHeader.Write(stream, header);
                    foreach (int k in order)
                        for (int c = 0; c < chunkCount; c++)
                        {
                            var info = files[c].Get(RecordFolder.TensorName(layer, units.Taps[k]));
                            long expected = (long)ChunkSize(c, batch, prompts) * units.Taps[k].Width * elementSize;
                            if (info.Dtype != dtype || info.ByteLength != expected)
                                throw new UserInputException($"{files[c].Path}: tensor '{info.Name}' is not what this record expects; delete the chunks folder and record again");
                            stream.Write(files[c].Bytes(info));
                        }
                });
            }
            finally
            {
                foreach (var f in files) f?.Dispose();
            }
        }
    }
}
