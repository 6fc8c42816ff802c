using System.Buffers.Binary;
using System.Text;
using RelationNeurons.Hooks;
using RelationNeurons.Inference;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Tests.Models;

/// <summary>Every user-caused checkpoint or hook problem ends in one <see cref="UserInputException"/> naming the problem.</summary>
public sealed class CheckpointErrorTests
{
    private static UserInputException LoadFails(string folder) =>
        Assert.Throws<UserInputException>(() => { using var m = LlamaModel.Load(folder); });

    [Fact]
    public void MissingFolder()
    {
        var e = LoadFails("/nonexistent/model-folder");
        Assert.Contains("does not exist", e.Message);
    }

    [SkippableFact]
    public void MissingConfigField()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        string config = File.ReadAllText(Path.Combine(folder, "config.json")).Replace("\"intermediate_size\": 172,", "");
        FixtureCopies.Write(folder, tmp.Path, FixtureCopies.ReadAll(folder), configJson: config);
        Assert.Contains("missing field 'intermediate_size'", LoadFails(tmp.Path).Message);
    }

    [Fact]
    public void MissingConfigFile()
    {
        using var tmp = new TempFolder();
        Assert.Contains("config.json not found", LoadFails(tmp.Path).Message);
    }

    [SkippableFact]
    public void NoSafetensors()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        File.Copy(Path.Combine(folder, "config.json"), Path.Combine(tmp.Path, "config.json"));
        Assert.Contains("no model.safetensors", LoadFails(tmp.Path).Message);
    }

    [SkippableFact]
    public void TruncatedFile()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        File.Copy(Path.Combine(folder, "config.json"), Path.Combine(tmp.Path, "config.json"));
        var bytes = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(tmp.Path, "model.safetensors"), bytes[..(bytes.Length / 2)]);
        var e = LoadFails(tmp.Path);
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [SkippableFact]
    public void HeaderLengthPastEnd()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        File.Copy(Path.Combine(folder, "config.json"), Path.Combine(tmp.Path, "config.json"));
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        File.WriteAllBytes(Path.Combine(tmp.Path, "model.safetensors"), bytes);
        Assert.Contains("runs past the end of the file", LoadFails(tmp.Path).Message);
    }

    [SkippableFact]
    public void OffsetsOutOfRange()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        File.Copy(Path.Combine(folder, "config.json"), Path.Combine(tmp.Path, "config.json"));
        byte[] header = Encoding.UTF8.GetBytes("{\"model.norm.weight\":{\"dtype\":\"F32\",\"shape\":[64],\"data_offsets\":[0,256]}}");
        var bytes = new byte[8 + header.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(Path.Combine(tmp.Path, "model.safetensors"), bytes);
        var e = LoadFails(tmp.Path);
        Assert.Contains("model.norm.weight", e.Message);
        Assert.Contains("past the end of the data", e.Message);
    }

    [SkippableFact]
    public void WrongDtype()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        var tensors = FixtureCopies.ReadAll(folder).Select(t => t.Name == "model.layers.1.self_attn.k_proj.weight" ? t with { Dtype = SafetensorsDtype.I32 } : t);
        FixtureCopies.Write(folder, tmp.Path, tensors);
        var e = LoadFails(tmp.Path);
        Assert.Contains("'model.layers.1.self_attn.k_proj.weight' has dtype I32", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [SkippableFact]
    public void WrongShape()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        var tensors = FixtureCopies.ReadAll(folder).Select(t => t.Name == "model.layers.3.mlp.down_proj.weight" ? t with { Shape = [172, 64] } : t);
        FixtureCopies.Write(folder, tmp.Path, tensors);
        var e = LoadFails(tmp.Path);
        Assert.Contains("'model.layers.3.mlp.down_proj.weight' has shape [172, 64] but config.json implies [64, 172]", e.Message);
    }

    [SkippableFact]
    public void MissingTensor()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        FixtureCopies.Write(folder, tmp.Path, FixtureCopies.ReadAll(folder).Where(t => t.Name != "lm_head.weight"));
        Assert.Contains("tensor 'lm_head.weight' not found", LoadFails(tmp.Path).Message);
    }

    [SkippableFact]
    public void ProjectionBiasIsRefused()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        var tensors = FixtureCopies.ReadAll(folder).Append(new TensorSpec("model.layers.0.mlp.up_proj.bias", SafetensorsDtype.F32, new float[172], [172]));
        FixtureCopies.Write(folder, tmp.Path, tensors);
        Assert.Contains("'model.layers.0.mlp.up_proj.bias' found; projections with bias are not supported", LoadFails(tmp.Path).Message);
    }

    [SkippableFact]
    public void MissingShardAndTensorMisplacedByIndex()
    {
        string folder = StoriesFixture.Require();
        using var tmp = new TempFolder();
        FixtureCopies.Write(folder, tmp.Path, FixtureCopies.ReadAll(folder), shards: 2);
        string index = Path.Combine(tmp.Path, "model.safetensors.index.json");
        string text = File.ReadAllText(index);
        var json = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var map = json["weight_map"]!;
        string shard = map["model.norm.weight"]!.GetValue<string>();
        map["model.norm.weight"] = shard.StartsWith("model-00001", StringComparison.Ordinal) ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors";
        File.WriteAllText(index, json.ToJsonString());
        Assert.Contains("does not hold it", LoadFails(tmp.Path).Message);

        File.WriteAllText(index, text);
        File.Delete(Path.Combine(tmp.Path, "model-00002-of-00002.safetensors"));
        Assert.Contains("shard 'model-00002-of-00002.safetensors'", LoadFails(tmp.Path).Message);
    }

    [SkippableFact]
    public void BadHooksAndTokens()
    {
        string folder = StoriesFixture.Require();
        using var model = LlamaModel.Load(folder);
        Assert.Contains("unknown hook name", Assert.Throws<UserInputException>(() => HookPoint.Parse("blocks.1.mlp.hook_middle")).Message);

        var lateLayer = new HookSet().AddReader(new HookPoint(5, TapKind.MlpPost), new ActivationCapture());
        Assert.Contains("layer 5 does not exist", Assert.Throws<UserInputException>(() => model.Forward([1, 2], lateLayer)).Message);

        var tooFar = new HookSet().Deactivate(NeuronId.ParseList("L2.N5,L3.N172"));
        var e = Assert.Throws<UserInputException>(() => model.Forward([1, 2], tooFar));
        Assert.Contains("L3.N172", e.Message);
        Assert.Contains("172 units", e.Message);

        Assert.Contains("out of range for the vocabulary", Assert.Throws<UserInputException>(() => model.Forward([1, 512])).Message);
        Assert.Contains("empty", Assert.Throws<UserInputException>(() => model.Forward(Array.Empty<int>())).Message);
    }
}
