using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Analysis;

/// <summary>
/// A finished record opened for reading: the manifest, the prompt labels, and one layer file at
/// a time (memory-mapped), checked against each other so that a mismatch is reported before any
/// scoring starts.
/// </summary>
public sealed class RecordFolder
{
    public string Directory { get; }
    public RecordManifest Manifest { get; }
    public PromptLabels Labels { get; }
    public UnitSpace Units { get; }

    private RecordFolder(string directory, RecordManifest manifest, PromptLabels labels)
    {
        Directory = directory; Manifest = manifest; Labels = labels; Units = manifest.UnitSpace();
    }

    public static RecordFolder Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new UserInputException($"{directory}: no such record folder");
        var manifest = RecordManifest.Load(directory);
        var labels = PromptLabels.Load(Path.Combine(directory, manifest.Labels));
        if (labels.Count != manifest.Prompts)
            throw new UserInputException($"{directory}: the labels list {labels.Count} prompts but the activations hold {manifest.Prompts}");
        var record = new RecordFolder(directory, manifest, labels);
        for (int l = 0; l < manifest.Layers; l++)
        {
            string path = record.LayerPath(l);
            if (!File.Exists(path)) throw new UserInputException($"{path}: layer file missing; the record is incomplete (re-run `relneurons record` to finish it)");
        }
        return record;
    }

    public string LayerPath(int layer) => Path.Combine(Directory, RecordManifest.LayerFileName(layer));

    /// <summary>Opens one layer's file and checks every tap tensor's shape.</summary>
    public SafetensorsFile OpenLayer(int layer)
    {
        var file = SafetensorsFile.Open(LayerPath(layer));
        try
        {
            for (int k = 0; k < Units.Taps.Count; k++) TensorOf(file, k, layer);
            return file;
        }
        catch { file.Dispose(); throw; }
    }

    public static string TensorName(int layer, TapWidth tap) => $"blocks.{layer}.{tap.Suffix}";

    internal SafetensorsTensorInfo TensorOf(SafetensorsFile file, int tap, int layer)
    {
        var t = Units.Taps[tap];
        var info = file.Get(TensorName(layer, t));
        if (info.Shape.Length != 2 || info.Shape[1] != t.Width)
            throw new UserInputException($"{file.Path}: tensor '{info.Name}' has shape [{string.Join(", ", info.Shape)}], expected [{Manifest.Prompts}, {t.Width}]");
        if (info.Shape[0] != Labels.Count)
            throw new UserInputException($"{file.Path}: tensor '{info.Name}' holds {info.Shape[0]} prompts but the labels list {Labels.Count}");
        if (info.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16))
            throw new UserInputException($"{file.Path}: tensor '{info.Name}' has dtype {info.Dtype}; expected F32, F16 or BF16");
        return info;
    }

    /// <summary>A tap tensor of an open layer file as a column source for the scorer.</summary>
    internal unsafe ColumnSource Columns(SafetensorsFile file, int tap, int layer)
    {
        var info = TensorOf(file, tap, layer);
        return ColumnSource.FromPointer(file.DataPointer(info), info.Dtype, (int)info.Shape[0], (int)info.Shape[1]);
    }
}
