using RelationNeurons.IO;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Training;

/// <summary>Writes trained parameters as a Hugging Face checkpoint folder: config.json + model.safetensors.</summary>
public static class ModelExporter
{
    public static void Save(string folder, ParameterSet<float> parameters, SafetensorsDtype dtype, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.BF16 or SafetensorsDtype.F16))
            throw new ArgumentException($"{dtype} is not a float storage type", nameof(dtype));
        Directory.CreateDirectory(folder);
        var writer = new SafetensorsWriter().AddMetadata("format", "pt");
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) writer.AddMetadata(k, v);
        foreach (var p in parameters.All)
            writer.AddFloat(p.Name, dtype, p.Value, p.Shape.Select(s => (long)s).ToArray());
        writer.Save(Path.Combine(folder, "model.safetensors"));
        string torchDtype = dtype switch { SafetensorsDtype.BF16 => "bfloat16", SafetensorsDtype.F16 => "float16", _ => "float32" };
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), (parameters.Config with { TorchDtype = torchDtype }).ToJson() + "\n");
    }
}
