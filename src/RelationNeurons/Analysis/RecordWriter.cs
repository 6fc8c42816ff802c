using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Analysis;

/// <summary>
/// Writes a record folder from activations already in memory: one layer file per call, then the
/// labels and the manifest last, so a folder with a manifest is always complete. Used by
/// <c>record</c> when it assembles its chunks, and by anyone scoring activations computed elsewhere.
/// </summary>
public sealed class RecordWriter
{
    private readonly string _directory;
    private readonly RecordManifest _manifest;
    private readonly UnitSpace _units;
    private readonly SafetensorsDtype _dtype;

    public RecordWriter(string directory, RecordManifest manifest)
    {
        _directory = directory;
        _manifest = manifest;
        _units = manifest.UnitSpace();
        _dtype = Enum.Parse<SafetensorsDtype>(manifest.Dtype);
        Directory.CreateDirectory(directory);
    }

    /// <summary>Writes layer <paramref name="layer"/>: one [prompts × width] tensor per tap, in the manifest's tap order.</summary>
    public void WriteLayer(int layer, IReadOnlyList<float[]> tapActivations)
    {
        if (tapActivations.Count != _units.Taps.Count)
            throw new ArgumentException($"expected {_units.Taps.Count} tap tensors, got {tapActivations.Count}");
        var writer = new SafetensorsWriter();
        for (int k = 0; k < _units.Taps.Count; k++)
        {
            var tap = _units.Taps[k];
            if (tapActivations[k].LongLength != (long)_manifest.Prompts * tap.Width)
                throw new ArgumentException($"tap {tap.Suffix}: {tapActivations[k].Length} values, expected {_manifest.Prompts} × {tap.Width}");
            writer.AddFloat(RecordFolder.TensorName(layer, tap), _dtype, tapActivations[k], _manifest.Prompts, tap.Width);
        }
        writer.Save(Path.Combine(_directory, RecordManifest.LayerFileName(layer)));
    }

    /// <summary>Writes the labels and then the manifest, which marks the record complete.</summary>
    public void Finish(PromptLabels labels)
    {
        if (labels.Count != _manifest.Prompts)
            throw new UserInputException($"{labels.Count} labels for {_manifest.Prompts} recorded prompts");
        labels.Save(Path.Combine(_directory, _manifest.Labels));
        _manifest.Save(_directory);
    }
}
