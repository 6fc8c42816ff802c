using System.Text.Json.Nodes;
using CsCheck;
using RelationNeurons.Tokenization.HuggingFace;
using RelationNeurons.Tokenization.SentencePiece;
using RelationNeurons.Tokenization.Training;

namespace RelationNeurons.Tests.Tokenization;

public class HfTokenizerJsonTests
{
    private static readonly Lazy<SentencePieceModel> Llama2Model = new(() =>
        SentencePieceModelReader.Load(Path.Combine(TokenizerFixtures.RequireLlama2Folder(), "tokenizer.model")));

    /// <summary>Llama-2's vocabulary written as a SentencePiece-style tokenizer.json (as transformers converts it).</summary>
    private static readonly Lazy<string> Llama2TokenizerJson = new(() =>
    {
        using var folder = new TempFolder();
        SentencePieceStyleTokenizerWriter.Write(Llama2Model.Value, folder.Path);
        return File.ReadAllText(folder.File("tokenizer.json"));
    });

    private static readonly Lazy<HfTokenizer> Llama2Hf = new(() => HfTokenizerJsonReader.Parse(Llama2TokenizerJson.Value));

    /// <summary>The newer Llama tokenizer.json layout: no normalizer, Metaspace(prepend_scheme first, split false).</summary>
    private static readonly Lazy<HfTokenizer> Llama2Metaspace = new(() =>
    {
        var root = JsonNode.Parse(Llama2TokenizerJson.Value)!.AsObject();
        root["normalizer"] = null;
        root["pre_tokenizer"] = JsonNode.Parse("""{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false}""");
        root["decoder"] = JsonNode.Parse("""{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}""");
        return HfTokenizerJsonReader.Parse(root.ToJsonString());
    });

    public static TheoryData<int> Cases() => TokenizerFixtures.GoldenIndices();

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void SentencePieceStyleJsonMatchesReferenceIds(int index)
    {
        var golden = TokenizerFixtures.GoldenCases()[index];
        var tok = Llama2Hf.Value;
        int[] ids = tok.Encode(golden.Text, addBos: false);
        Assert.Equal(golden.Ids, ids);
        Assert.Equal(golden.Pieces, ids.Select(tok.IdToPiece).ToArray());
        Assert.Equal(golden.Text, tok.Decode(tok.Encode(golden.Text, addBos: true)));
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MetaspaceStyleJsonMatchesModelPath(int index)
    {
        var golden = TokenizerFixtures.GoldenCases()[index];
        var tok = Llama2Metaspace.Value;
        int[] ids = tok.Encode(golden.Text, addBos: false);
        if (golden.Text.StartsWith(' '))
        {
            // Metaspace does not prepend "▁" to text that already starts with one (Hugging Face's rule),
            // so leading spaces give one "▁" fewer than SentencePiece's dummy prefix.
            var sp = new SentencePieceTokenizer(Llama2Model.Value);
            Assert.Equal(sp.Encode(golden.Text[1..], addBos: false), ids);
            Assert.NotEqual(golden.Ids, ids);
            return;
        }
        Assert.Equal(golden.Ids, ids);
        Assert.Equal(golden.Text, tok.Decode(ids));
    }

    [SkippableFact]
    public void ReadsMergesInPairForm()
    {
        var root = JsonNode.Parse(Llama2TokenizerJson.Value)!.AsObject();
        var merges = root["model"]!["merges"]!.AsArray();
        var pairs = new JsonArray(merges.Select(m => (JsonNode?)new JsonArray(m!.GetValue<string>().Split(' ', 2).Select(s => (JsonNode?)s).ToArray())).ToArray());
        root["model"]!["merges"] = pairs;
        var tok = HfTokenizerJsonReader.Parse(root.ToJsonString());
        foreach (var golden in TokenizerFixtures.GoldenCases())
            Assert.Equal(golden.Ids, tok.Encode(golden.Text, addBos: false));
    }

    [SkippableFact]
    public void SentencePieceStyleAddsBosByDefaultAndRecognisesSpecialTokens()
    {
        var tok = Llama2Hf.Value;
        Assert.Equal(1, tok.BosId);
        Assert.Equal([2], tok.EosIds);
        Assert.True(tok.AddBosByDefault);
        Assert.Equal(32000, tok.VocabSize);
        // "<s>" in text is the BOS token; the text after it is a new segment with its own "▁" prefix.
        Assert.Equal([1, 450, 1, 450], tok.Encode("The<s>The", addBos: true));
        Assert.Equal("The The", tok.Decode([1, 450, 1, 450]));
    }

    [SkippableFact]
    public void TokenizerConfigOverridesBos()
    {
        var tok = HfTokenizerJsonReader.Parse(Llama2TokenizerJson.Value, """{"add_bos_token": false, "bos_token": {"content": "<s>"}, "eos_token": "</s>"}""");
        Assert.False(tok.AddBosByDefault);
        Assert.Equal(1, tok.BosId);
        Assert.Equal([2], tok.EosIds);
    }

    // ---- byte-level (Llama-3 style) ----

    private const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>A small byte-level BPE: the 256 byte characters plus a few merges.</summary>
    private static string ByteLevelJson(params (string Left, string Right)[] merges)
    {
        var vocab = new JsonObject();
        int next = 0;
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.Encode((byte)b).ToString()] = next++;
        var mergeArray = new JsonArray();
        foreach (var (l, r) in merges)
        {
            if (!vocab.ContainsKey(l + r)) vocab[l + r] = next++;
            mergeArray.Add(new JsonArray(l, r));
        }
        int bos = next++, eos = next++;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = bos, ["content"] = "<|begin_of_text|>", ["special"] = true, ["normalized"] = false },
                new JsonObject { ["id"] = eos, ["content"] = "<|end_of_text|>", ["special"] = true, ["normalized"] = false }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = JsonNode.Parse($$"""
                {"type":"Sequence","pretokenizers":[
                  {"type":"Split","pattern":{"Regex":{{System.Text.Json.JsonSerializer.Serialize(Llama3Pattern)}}},"behavior":"Isolated","invert":false},
                  {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}
                """),
            ["post_processor"] = JsonNode.Parse("""
                {"type":"Sequence","processors":[{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true},
                 {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<|begin_of_text|>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
                  "pair":[],"special_tokens":{"<|begin_of_text|>":{"id":"<|begin_of_text|>","ids":[BOS_ID],"tokens":["<|begin_of_text|>"]}}}]}
                """.Replace("BOS_ID", bos.ToString())),
            ["decoder"] = JsonNode.Parse("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"""),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["byte_fallback"] = false,
                ["ignore_merges"] = true,
                ["vocab"] = vocab,
                ["merges"] = mergeArray,
            },
        };
        return root.ToJsonString();
    }

    private static readonly string G = ByteLevelAlphabet.Encode((byte)' ').ToString(); // "Ġ"

    [Fact]
    public void ByteLevelEncodesWithRegexSplitAndMerges()
    {
        string json = ByteLevelJson(("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), (G, "w"), ("o", "r"), (G + "w", "or"));
        var tok = HfTokenizerJsonReader.Parse(json);
        Assert.True(tok.IsByteLevel);
        Assert.Equal(tok.VocabSize - 2, tok.BosId);
        Assert.True(tok.AddBosByDefault);
        Assert.Equal([tok.VocabSize - 1], tok.EosIds);

        int[] ids = tok.Encode("hello world", addBos: true);
        string[] pieces = ids.Select(tok.IdToPiece).ToArray();
        // Regex words "hello" and " world"; BPE merges each as far as the merges allow.
        Assert.Equal(["<|begin_of_text|>", "hello", G + "wor", "l", "d"], pieces);
        Assert.Equal("hello world", tok.Decode(ids));
    }

    [Fact]
    public void ByteLevelHandlesNonAsciiContractionsDigitsAndSpecialTokens()
    {
        var tok = HfTokenizerJsonReader.Parse(ByteLevelJson(("h", "e")));
        string text = "He's 12345 Ünïcödé x🦙abc\n\n  x<|end_of_text|>";
        int[] ids = tok.Encode(text, addBos: false);
        Assert.Equal(text.Replace("<|end_of_text|>", ""), tok.Decode(ids));
        Assert.Equal(tok.VocabSize - 1, ids[^1]);
        // Digits come in groups of at most three: "123" and "45" are separate words, so no byte of
        // "45" is merged with "123"; the emoji is one word with the letters after it (code-point regex).
        var words = Pretokenize(text);
        Assert.Contains("123", words);
        Assert.Contains("45", words);
        Assert.Contains("'s", words);
        Assert.Contains("🦙abc", words);
        Assert.Contains(" Ünïcödé", words);
    }

    [Fact]
    public void IdsPastTheVocabularyDecodeToNothing()
    {
        // A head wider than the tokenizer (Qwen2 pads its embeddings) can emit such an id in greedy decoding.
        var tok = HfTokenizerJsonReader.Parse(ByteLevelJson(("h", "e")));
        int[] ids = tok.Encode("hello", addBos: false);
        Assert.Equal("hello", tok.Decode([.. ids, tok.VocabSize, tok.VocabSize + 127, -1]));
        Assert.Equal("hello", tok.Decode([tok.VocabSize + 5, .. ids]));
    }

    /// <summary>The Llama-3 regex words, via the splitter the tokenizer uses (decoded from the byte alphabet).</summary>
    private static List<string> Pretokenize(string text)
    {
        var splitter = new RegexSplitter(Llama3Pattern, "test");
        return splitter.Matches(text).Select(m => text.Substring(m.Start, m.Length)).ToList();
    }

    [Fact]
    public void IgnoreMergesTakesWholeWordsFromTheVocabulary()
    {
        // "abc" is in the vocabulary only via the merge ("a","bc"), which needs "bc" first; with
        // ignore_merges the whole word is looked up directly.
        var root = JsonNode.Parse(ByteLevelJson(("b", "c"), ("a", "bc")))!.AsObject();
        var tok = HfTokenizerJsonReader.Parse(root.ToJsonString());
        Assert.Equal(["abc"], tok.Encode("abc", false).Select(tok.IdToPiece));
        root["model"]!["merges"] = new JsonArray(new JsonArray("b", "c"));
        root["model"]!["ignore_merges"] = false;
        var noIgnore = HfTokenizerJsonReader.Parse(root.ToJsonString());
        Assert.Equal(["a", "bc"], noIgnore.Encode("abc", false).Select(noIgnore.IdToPiece));
    }

    [Theory]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{}}}""", "WordPiece")]
    [InlineData("""{"model":{"type":"BPE","vocab":{"a":0},"merges":["a b"]}}""", "'b' is not in the vocabulary")]
    [InlineData("""{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}}""", "merged token 'ab'")]
    [InlineData("""{"model":{"type":"BPE","vocab":{"a":-1}}}""", "outside")]
    [InlineData("""{"model":{"type":"BPE","vocab":{"a":0}},"pre_tokenizer":{"type":"Bogus"}}""", "Bogus")]
    [InlineData("""{"model":{"type":"BPE","vocab":[1]}}""", "vocab")]
    [InlineData("""{"model":""", "malformed JSON")]
    [InlineData("""[]""", "top level")]
    public void MalformedJsonGivesUserInputError(string json, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => HfTokenizerJsonReader.Parse(json));
        Assert.Contains(expected, e.Message);
    }
}

/// <summary>Corrupted tokenizer.json files must end in UserInputException, never another exception.</summary>
public class HfTokenizerJsonHostileTests
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var model = RelationNeurons.Tokenization.Training.BpeTrainer.Train(TrainingCorpus.Sentences().Take(40), 320);
        using var folder = new TempFolder();
        SentencePieceStyleTokenizerWriter.Write(model, folder.Path);
        return File.ReadAllText(folder.File("tokenizer.json"));
    });

    private static void ParseAndUse(string json)
    {
        try
        {
            var tok = HfTokenizerJsonReader.Parse(json, null, "fuzz.json");
            tok.Decode(tok.Encode("Die Hauptstadt von Frankreich ist Paris. 🦙 <s>", addBos: true));
        }
        catch (UserInputException)
        {
        }
    }

    [Fact]
    public void RandomEditsNeverCrash()
    {
        string json = Source.Value;
        string[] replacements = ["", "0", "-1", "null", "true", "\"x\"", "[]", "{}", "1e99", "\"<s>\"", "\"▁\"", "99999999"];
        Gen.Select(Gen.Int[0, json.Length - 1], Gen.Int[0, 12], Gen.Int[0, replacements.Length - 1])
            .Sample((at, cut, r) =>
            {
                int end = Math.Min(json.Length, at + cut);
                ParseAndUse(json[..at] + replacements[r] + json[end..]);
            }, iter: 300, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Theory]
    [InlineData("vocab", """{"a": 4194304}""")]
    [InlineData("vocab", """{"a": 1.5}""")]
    [InlineData("merges", """[["a"]]""")]
    [InlineData("merges", """[7]""")]
    [InlineData("unk_token", "\"<missing>\"")]
    public void WrongModelFieldsAreUserErrors(string field, string value)
    {
        var root = JsonNode.Parse(Source.Value)!.AsObject();
        root["model"]![field] = JsonNode.Parse(value);
        var e = Assert.Throws<UserInputException>(() => HfTokenizerJsonReader.Parse(root.ToJsonString(), null, "bad.json"));
        Assert.StartsWith("bad.json: ", e.Message);
    }
}

public class HfNormalizerTests
{
    private static HfTokenizer WithNormalizer(string normalizerJson)
    {
        var vocab = new JsonObject();
        foreach (char c in "abcdefghijklmnopqrstuvwxyz ▁\uFFFD\u00E9\u0301") vocab[c.ToString()] = vocab.Count;
        var root = new JsonObject
        {
            ["normalizer"] = JsonNode.Parse(normalizerJson),
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray() },
        };
        return HfTokenizerJsonReader.Parse(root.ToJsonString());
    }

    private static string Pieces(HfTokenizer tok, string text) => string.Concat(tok.Encode(text, false).Select(tok.IdToPiece));

    [Fact]
    public void UnicodeNormalizersWorkOnNonAsciiText()
    {
        // Under InvariantGlobalization string.Normalize was a no-op on non-ASCII text; with ICU it is not.
        Assert.Equal("fire", Pieces(WithNormalizer("""{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Lowercase"},{"type":"Strip","strip_left":true,"strip_right":true}]}"""), "  ﬁRE  "));
        Assert.Equal("\u00E9", Pieces(WithNormalizer("""{"type":"NFC"}"""), "e\u0301"));
        Assert.Equal("e\u0301", Pieces(WithNormalizer("""{"type":"NFD"}"""), "\u00E9"));
    }

    [Fact]
    public void LowercaseStripAndLoneSurrogates()
    {
        var tok = WithNormalizer("""{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Lowercase"},{"type":"Strip","strip_left":true,"strip_right":true}]}""");
        Assert.Equal("fire", Pieces(tok, "  FiRE  "));
        // A lone surrogate is read as U+FFFD instead of failing normalization.
        Assert.Equal("a\uFFFDb", Pieces(tok, "a\uD800b"));
    }

    [Fact]
    public void RegexReplaceUsesLiteralContent()
    {
        var tok = WithNormalizer("""{"type":"Replace","pattern":{"Regex":"\\s+"},"content":"▁"}""");
        Assert.Equal("a▁b▁c", Pieces(tok, "a  b\t\tc"));
    }
}
