using System.Text.Json.Nodes;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Tests.Models;

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("relneurons-engine-").FullName;
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>One tensor as a test wants it written: values, storage type, shape.</summary>
internal sealed record TensorSpec(string Name, SafetensorsDtype Dtype, float[] Values, long[] Shape);

/// <summary>Writes modified copies of a fixture checkpoint (other dtypes, shards, broken tensors).</summary>
internal static class FixtureCopies
{
    public static List<TensorSpec> ReadAll(string folder)
    {
        using var file = SafetensorsFile.Open(System.IO.Path.Combine(folder, "model.safetensors"));
        return file.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new TensorSpec(t.Name, t.Dtype, file.ReadFloat32(t.Name), t.Shape)).ToList();
    }

    /// <summary>Writes <paramref name="tensors"/> as one file or as <paramref name="shards"/> files with an index; copies config.json.</summary>
    public static string Write(string source, string destination, IEnumerable<TensorSpec> tensors, int shards = 1, string? configJson = null)
    {
        Directory.CreateDirectory(destination);
        File.WriteAllText(System.IO.Path.Combine(destination, "config.json"), configJson ?? File.ReadAllText(System.IO.Path.Combine(source, "config.json")));
        var list = tensors.ToList();
        if (shards == 1)
        {
            Writer(list).Save(System.IO.Path.Combine(destination, "model.safetensors"));
            return destination;
        }
        var weightMap = new JsonObject();
        int per = (list.Count + shards - 1) / shards;
        for (int s = 0; s < shards; s++)
        {
            string name = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var part = list.Skip(s * per).Take(per).ToList();
            Writer(part).Save(System.IO.Path.Combine(destination, name));
            foreach (var t in part) weightMap[t.Name] = name;
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 0 }, ["weight_map"] = weightMap };
        File.WriteAllText(System.IO.Path.Combine(destination, "model.safetensors.index.json"), index.ToJsonString());
        return destination;
    }

    private static SafetensorsWriter Writer(IEnumerable<TensorSpec> tensors)
    {
        var w = new SafetensorsWriter();
        foreach (var t in tensors)
        {
            if (t.Dtype == SafetensorsDtype.I32) w.AddI32(t.Name, t.Values.Select(v => (int)v).ToArray(), t.Shape);
            else w.AddFloat(t.Name, t.Dtype, t.Values, t.Shape);
        }
        return w;
    }

    /// <summary>Rounds values as a store in <paramref name="dtype"/> would, keeping float32 storage.</summary>
    public static float[] RoundTo(SafetensorsDtype dtype, float[] values) => dtype switch
    {
        SafetensorsDtype.BF16 => values.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))).ToArray(),
        SafetensorsDtype.F16 => values.Select(v => (float)(Half)v).ToArray(),
        _ => values,
    };
}
