using System.Text.Json;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Models;

/// <summary>
/// The safetensors files of one checkpoint folder, single (<c>model.safetensors</c>) or sharded
/// (<c>model.safetensors.index.json</c> with a <c>weight_map</c>), all memory-mapped. Finds each
/// tensor in the file that holds it.
/// </summary>
public sealed class CheckpointFiles : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byTensor;

    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Whether [address, address + bytes) lies inside one file's mapping.</summary>
    public unsafe bool Maps(void* address, long bytes) => _files.Any(f => f.Maps(address, bytes));

    /// <summary>Total bytes of all mapped files.</summary>
    public long MappedBytes => _files.Sum(f => f.FileLength);

    private CheckpointFiles(List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byTensor)
    {
        _files = files; _byTensor = byTensor;
    }

    public static CheckpointFiles Open(string folder)
    {
        string index = Path.Combine(folder, IndexFileName);
        if (File.Exists(index)) return OpenSharded(folder, index);
        string single = Path.Combine(folder, SingleFileName);
        if (File.Exists(single))
        {
            var file = SafetensorsFile.Open(single);
            var map = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var name in file.Tensors.Keys) map[name] = file;
            return new CheckpointFiles([file], map);
        }
        throw new UserInputException($"{folder}: no {SingleFileName} and no {IndexFileName}; only safetensors checkpoints are supported");
    }

    private static CheckpointFiles OpenSharded(string folder, string indexPath)
    {
        Dictionary<string, string> weightMap = ReadWeightMap(indexPath);
        var files = new List<SafetensorsFile>();
        var byFileName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, fileName) in weightMap)
            {
                if (!byFileName.TryGetValue(fileName, out var file))
                {
                    // The index names files inside the folder only; refuse paths that escape it.
                    if (fileName.Length == 0 || fileName != Path.GetFileName(fileName) || fileName is "." or "..")
                        throw new UserInputException($"{indexPath}: weight_map names '{fileName}', which is not a file name inside the folder");
                    string path = Path.Combine(folder, fileName);
                    if (!File.Exists(path))
                        throw new UserInputException($"{indexPath}: shard '{fileName}' (holding '{tensor}') not found in {folder}");
                    file = SafetensorsFile.Open(path);
                    files.Add(file);
                    byFileName[fileName] = file;
                }
                if (!file.Tensors.ContainsKey(tensor))
                    throw new UserInputException($"{indexPath}: weight_map puts tensor '{tensor}' in {fileName}, but that file does not hold it");
                byTensor[tensor] = file;
            }
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
        return new CheckpointFiles(files, byTensor);
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new UserInputException($"{indexPath}: missing 'weight_map' object");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new UserInputException($"{indexPath}: weight_map entry '{p.Name}' is not a file name");
                result[p.Name] = p.Value.GetString()!;
            }
            return result;
        }
        catch (JsonException e) { throw new UserInputException($"{indexPath}: malformed JSON ({e.Message})"); }
        catch (IOException e) { throw new UserInputException($"{indexPath}: cannot read ({e.Message})"); }
    }

    public bool Contains(string tensor) => _byTensor.ContainsKey(tensor);

    /// <summary>The file and entry of a tensor; a missing tensor is a user error naming the folder's files.</summary>
    public (SafetensorsFile File, SafetensorsTensorInfo Info) Find(string tensor)
    {
        if (_byTensor.TryGetValue(tensor, out var file)) return (file, file.Tensors[tensor]);
        string where = _files.Count == 1 ? _files[0].Path : $"{_files.Count} shards ({string.Join(", ", _files.Select(f => Path.GetFileName(f.Path)))})";
        throw new UserInputException($"{where}: tensor '{tensor}' not found");
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
