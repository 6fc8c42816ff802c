using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using RelationNeurons.Tests.Analysis;
using RelationNeurons.Tests.Tokenization;
using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.HuggingFace;
using RelationNeurons.Tokenization.SentencePiece;
using RelationNeurons.Tokenization.Training;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// Hostile tokenizer files through the loaders a user reaches (<see cref="TokenizerLoader"/> on a
/// file or folder, <see cref="HfTokenizerJsonReader"/>): a load either fails with a
/// UserInputException naming the file, or gives a tokenizer that encodes and decodes.
/// </summary>
public sealed class TokenizerHostileTests(ITestOutputHelper output)
{
    private const string Seed = "0N0XIzNsQ0O2";
    private const string Text = "Die Hauptstadt von Frankreich ist Paris. 2024 \u4e00 \U0001F999 l'\u00e9t\u00e9";

    private static readonly Lazy<SentencePieceModel> SmallModel = new(() => BpeTrainer.Train(TrainingCorpus.Sentences().Take(60), 400));
    private static readonly Lazy<byte[]> SmallModelBytes = new(() => SentencePieceModelWriter.Serialize(SmallModel.Value));

    /// <summary>tokenizer.json and tokenizer_config.json as the project's writer makes them (SentencePiece style).</summary>
    private static readonly Lazy<(string Json, string Config)> SentencePieceStyle = new(() =>
    {
        using var temp = new TempDirectory();
        SentencePieceStyleTokenizerWriter.Write(SmallModel.Value, temp.Path);
        return (File.ReadAllText(temp["tokenizer.json"]), File.ReadAllText(temp["tokenizer_config.json"]));
    });

    private static void Use(ITokenizer tok)
    {
        int[] ids = tok.Encode(Text, addBos: true);
        tok.Decode(ids);
    }

    [Fact]
    public void SentencePieceModelFilesThroughLoader()
    {
        using var temp = new TempDirectory();
        byte[] valid = SmallModelBytes.Value;
        var run = new HostileRun("tokenizer.model: truncations, bit flips, huge varint lengths (TokenizerLoader)", output);
        int n = 0;
        void Try(byte[] bytes, Func<string> describe, bool mustReject = false)
        {
            string folder = Path.Combine(temp.Path, $"m{n++}");
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, TokenizerLoader.SentencePieceModelFile);
            File.WriteAllBytes(path, bytes);
            run.Case(describe, () => Use(TokenizerLoader.Load(folder)), path, mustReject);
            Directory.Delete(folder, recursive: true);
        }

        for (int cut = 0; cut < valid.Length; cut += Math.Max(1, valid.Length / 600))
            Try(valid[..cut], () => $"truncated at {cut} of {valid.Length}");
        Gen.Int[0, valid.Length * 8 - 1].Array[1, 8].Sample(bits =>
        {
            byte[] b = (byte[])valid.Clone();
            foreach (int bit in bits) b[bit / 8] ^= (byte)(1 << (bit % 8));
            Try(b, () => $"bit flips at {string.Join(",", bits)}");
        }, iter: 800, threads: 1, seed: Seed);

        // A length-delimited field (pieces, trainer spec, normalizer spec, an unknown field) whose length lies.
        byte[][] tags = [[0x0A], [0x12], [0x1A], [0xFA, 0x01]];
        ulong[] lengths = [(ulong)valid.Length, int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, 1UL << 40, long.MaxValue, ulong.MaxValue];
        Gen.Select(Gen.Int[0, tags.Length - 1], Gen.Int[0, lengths.Length - 1], Gen.Int[0, valid.Length], Gen.Bool).Sample((tag, len, at, front) =>
        {
            byte[] field = [.. tags[tag], .. Varint(lengths[len]), 0x0A, 0x01, 0x61];
            int position = front ? 0 : at;
            byte[] b = [.. valid.AsSpan(0, position), .. field, .. valid.AsSpan(position)];
            Try(b, () => $"field tag {Convert.ToHexString(tags[tag])} with length {lengths[len]} at {position}", mustReject: front);
        }, iter: 400, threads: 1, seed: Seed);
        byte[] tenByteVarint = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        Try([.. tenByteVarint, .. valid], () => "a 10-byte varint length of 2^64-1", mustReject: true);
        Try([0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], () => "an 11-byte varint", mustReject: true);
        run.Report(minimumRejected: 800);
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do { byte b = (byte)(value & 0x7F); value >>= 7; bytes.Add(value != 0 ? (byte)(b | 0x80) : b); } while (value != 0);
        return [.. bytes];
    }

    /// <summary>A small byte-level (GPT-2 / Llama-3 style) tokenizer.json with a regex split, added tokens and a template.</summary>
    internal static string ByteLevelJson()
    {
        var vocab = new JsonObject();
        int next = 0;
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.Encode((byte)b).ToString()] = next++;
        var merges = new JsonArray();
        foreach (var (l, r) in new[] { ("h", "e"), ("l", "l"), ("he", "ll"), ("P", "a"), ("Pa", "r") })
        {
            if (!vocab.ContainsKey(l + r)) vocab[l + r] = next++;
            merges.Add(l + " " + r);
        }
        int bos = next++, eos = next++;
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = bos, ["content"] = "<|begin_of_text|>", ["special"] = true, ["normalized"] = false, ["lstrip"] = false, ["rstrip"] = false, ["single_word"] = false },
                new JsonObject { ["id"] = eos, ["content"] = "<|end_of_text|>", ["special"] = true }),
            ["normalizer"] = JsonNode.Parse("""{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Replace","pattern":{"String":"\t"},"content":" "}]}"""),
            ["pre_tokenizer"] = JsonNode.Parse("""
                {"type":"Sequence","pretokenizers":[
                  {"type":"Split","pattern":{"Regex":"\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+|\\s+"},"behavior":"Isolated","invert":false},
                  {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}
                """),
            ["post_processor"] = JsonNode.Parse("""
                {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<|begin_of_text|>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
                 "pair":[],"special_tokens":{"<|begin_of_text|>":{"id":"<|begin_of_text|>","ids":[BOS_ID],"tokens":["<|begin_of_text|>"]}}}
                """.Replace("BOS_ID", bos.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ["decoder"] = JsonNode.Parse("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"""),
            ["model"] = new JsonObject { ["type"] = "BPE", ["byte_fallback"] = false, ["ignore_merges"] = true, ["vocab"] = vocab, ["merges"] = merges },
        }.ToJsonString();
    }

    [Fact]
    public void TokenizerJsonMutations()
    {
        var (spJson, spConfig) = SentencePieceStyle.Value;
        string[] bases = [spJson, ByteLevelJson()];
        foreach (string b in bases) Use(HfTokenizerJsonReader.Parse(b));   // the bases are valid
        var run = new HostileRun("tokenizer.json: random JSON mutations (with and without tokenizer_config.json)", output);
        Gen.Select(Gen.Int[0, bases.Length - 1], JsonMutator.Mutations, Gen.Int[0, 3]).Sample((which, ms, configMode) =>
        {
            string json = JsonMutator.Apply(bases[which], ms);
            // Config: none, valid, or mutated the same way.
            string? config = configMode switch { 0 => null, 1 => spConfig, _ => JsonMutator.Apply(spConfig, ms) };
            run.Case(() => $"base {which}, config mode {configMode}, {string.Join(" ", ms)}",
                () => Use(HfTokenizerJsonReader.Parse(json, config, "hostile/tokenizer.json")), "tokenizer");
        }, iter: 1500, threads: 1, seed: Seed);
        run.Report(minimumRejected: 500);
    }

    [Fact]
    public void TokenizerJsonMissingFieldsAndWrongTypes()
    {
        var run = new HostileRun("tokenizer.json: every field deleted or given every hostile value", output);
        string json = ByteLevelJson();
        var root = JsonNode.Parse(json)!;
        // Every path of the document except the vocabulary entries themselves (256+ of them, all alike).
        var paths = new List<string>();
        void Walk(JsonNode? node, string path)
        {
            if (path.Length > 0) paths.Add(path);
            if (path == "/model/vocab") { paths.Add(path + "/" + Escape(ByteLevelAlphabet.Encode((byte)'a').ToString())); return; }
            if (node is JsonObject o) foreach (var (k, v) in o) Walk(v, path + "/" + Escape(k));
            else if (node is JsonArray a) for (int i = 0; i < a.Count; i++) Walk(a[i], path + "/" + i);
        }
        Walk(root, "");
        foreach (string path in paths)
        {
            run.Case(() => $"{path} deleted", () => Use(HfTokenizerJsonReader.Parse(Edit(json, path, null), null, "hostile/tokenizer.json")), "hostile/tokenizer.json");
            foreach (string value in JsonMutator.HostileValues.Where(v => v.Length < 1000))
                run.Case(() => $"{path} = {value}", () => Use(HfTokenizerJsonReader.Parse(Edit(json, path, value), null, "hostile/tokenizer.json")), "hostile/tokenizer.json");
        }
        run.Report(minimumRejected: 1000);
    }

    private static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");

    /// <summary>The document with the node at a JSON-pointer-like path removed (value null) or replaced by raw text.</summary>
    private static string Edit(string json, string path, string? raw)
    {
        var root = JsonNode.Parse(json)!;
        var parts = path.Split('/')[1..].Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToArray();
        JsonNode parent = root;
        foreach (string p in parts[..^1]) parent = parent is JsonArray a ? a[int.Parse(p)]! : parent[p]!;
        const string Slot = "\u0001slot\u0001";
        string last = parts[^1];
        if (parent is JsonArray arr)
        {
            if (raw is null) arr.RemoveAt(int.Parse(last)); else arr[int.Parse(last)] = Slot;
        }
        else if (raw is null) parent.AsObject().Remove(last);
        else parent[last] = Slot;
        string text = root.ToJsonString();
        return raw is null ? text : text.Replace(JsonSerializer.Serialize(Slot), raw, StringComparison.Ordinal);
    }

    [Fact]
    public void NonUtf8TokenizerFilesThroughLoader()
    {
        using var temp = new TempDirectory();
        var (spJson, spConfig) = SentencePieceStyle.Value;
        byte[] json = Encoding.UTF8.GetBytes(spJson), config = Encoding.UTF8.GetBytes(spConfig);
        var run = new HostileRun("tokenizer.json / tokenizer_config.json: non-UTF-8 bytes and deep nesting (TokenizerLoader)", output);
        int n = 0;
        Gen.Select(Gen.Int[0, 1 << 30], Gen.Int[0, 100], Gen.Bool).Sample((at, variant, inConfig) =>
        {
            string folder = Path.Combine(temp.Path, $"t{n++}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), inConfig ? json : JsonMutator.InsertInvalidUtf8(json, at, variant));
            File.WriteAllBytes(Path.Combine(folder, "tokenizer_config.json"), inConfig ? JsonMutator.InsertInvalidUtf8(config, at, variant) : config);
            run.Case(() => $"invalid UTF-8 variant {variant} at {at} in {(inConfig ? "tokenizer_config.json" : "tokenizer.json")}",
                () => Use(TokenizerLoader.Load(folder)), folder, mustReject: true);
            Directory.Delete(folder, recursive: true);
        }, iter: 300, threads: 1, seed: Seed);
        foreach (int depth in new[] { 127, 128, 129, 5000, 200_000 })
        {
            string folder = Path.Combine(temp.Path, $"deep{depth}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), spJson.Insert(1, "\"x\":" + JsonMutator.Deep(depth) + ","));
            run.Case(() => $"an unused field nested {depth} deep", () => Use(TokenizerLoader.Load(folder)), folder);
        }
        run.Report(minimumRejected: 300);
    }
}
