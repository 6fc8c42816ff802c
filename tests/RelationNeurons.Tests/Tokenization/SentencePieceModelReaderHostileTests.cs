using CsCheck;
using RelationNeurons.Tokenization.SentencePiece;
using RelationNeurons.Tokenization.Training;

namespace RelationNeurons.Tests.Tokenization;

/// <summary>Corrupted tokenizer.model files must end in UserInputException, never a crash, hang or out-of-range read.</summary>
public class SentencePieceModelReaderHostileTests
{
    /// <summary>A small but complete BPE model (trained here), serialized: quick to parse thousands of times.</summary>
    private static readonly Lazy<byte[]> SmallModel = new(() =>
        SentencePieceModelWriter.Serialize(BpeTrainer.Train(TrainingCorpus.Sentences().Take(60), 400)));

    /// <summary>Parses and, when that succeeds, builds a tokenizer and encodes: the only allowed failure is UserInputException.</summary>
    private static void ParseAndUse(byte[] bytes)
    {
        try
        {
            var model = SentencePieceModelReader.Parse(bytes, "fuzz.model");
            var tok = new SentencePieceTokenizer(model, "fuzz.model");
            int[] ids = tok.Encode("Die Hauptstadt von Frankreich ist Paris. 🦙", addBos: true);
            tok.Decode(ids);
        }
        catch (UserInputException)
        {
        }
    }

    [Fact]
    public void IdsPastTheVocabularyDecodeToNothing()
    {
        var tok = new SentencePieceTokenizer(SentencePieceModelReader.Parse(SmallModel.Value, "small.model"), "small.model");
        int[] ids = tok.Encode("Die Hauptstadt von Frankreich ist Paris.", addBos: false);
        string text = tok.Decode(ids);
        Assert.Equal(text, tok.Decode([.. ids, tok.VocabSize, tok.VocabSize + 100]));
        Assert.Equal(text, tok.Decode([tok.VocabSize, .. ids]));
    }

    [Fact]
    public void WriterOutputRoundTrips()
    {
        var model = BpeTrainer.Train(TrainingCorpus.Sentences().Take(60), 400);
        var back = SentencePieceModelReader.Parse(SentencePieceModelWriter.Serialize(model));
        Assert.Equal(model.Pieces, back.Pieces);
        Assert.Equal(model with { Pieces = back.Pieces, PrecompiledCharsmap = back.PrecompiledCharsmap }, back);
    }

    [SkippableFact]
    public void Llama2ModelRoundTripsThroughWriter()
    {
        var path = Path.Combine(TokenizerFixtures.RequireLlama2Folder(), "tokenizer.model");
        var model = SentencePieceModelReader.Load(path);
        var back = SentencePieceModelReader.Parse(SentencePieceModelWriter.Serialize(model));
        Assert.Equal(model.Pieces, back.Pieces);
        Assert.Equal(model.ByteFallback, back.ByteFallback);
        Assert.Equal(model.RemoveExtraWhitespaces, back.RemoveExtraWhitespaces);
    }

    [Fact]
    public void TruncationsAreUserErrorsOrShorterModels()
    {
        byte[] full = SmallModel.Value;
        int fullCount = SentencePieceModelReader.Parse(full).Pieces.Count;
        int errors = 0, tries = 0;
        // A prefix that ends between fields is valid protobuf; it may only ever lose pieces, never read past the cut.
        for (int length = 0; length < full.Length; length += Math.Max(1, full.Length / 1500))
        {
            tries++;
            try
            {
                var model = SentencePieceModelReader.Parse(full[..length], "cut.model");
                // A cut between the specs that follow the pieces keeps them all.
                Assert.True(model.Pieces.Count < fullCount || (model.Pieces.Count == fullCount && model.Pieces.SequenceEqual(SentencePieceModelReader.Parse(full).Pieces)));
            }
            catch (UserInputException e)
            {
                Assert.StartsWith("cut.model: ", e.Message);
                errors++;
            }
        }
        // Most cuts land inside a field (a piece's string or score), which must be rejected.
        Assert.True(errors > tries * 2 / 3, $"only {errors} of {tries} truncations were rejected");
    }

    [Fact]
    public void RandomBitFlipsNeverCrash()
    {
        byte[] full = SmallModel.Value;
        Gen.Select(Gen.Int[0, full.Length - 1].Array[1, 8], Gen.Int[0, 7].Array[8])
            .Sample((positions, bits) =>
            {
                byte[] bytes = (byte[])full.Clone();
                for (int i = 0; i < positions.Length; i++) bytes[positions[i]] ^= (byte)(1 << bits[i]);
                ParseAndUse(bytes);
            }, iter: 400, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void RandomBytesAndSplicesNeverCrash()
    {
        byte[] full = SmallModel.Value;
        Gen.Byte.Array[0, 300].Sample(junk => ParseAndUse(junk), iter: 300, threads: 1, seed: "0N0XIzNsQ0O2");
        Gen.Select(Gen.Int[0, full.Length], Gen.Byte.Array[1, 40])
            .Sample((at, junk) => ParseAndUse([.. full[..at], .. junk, .. full[at..]]), iter: 300, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "runs past the end")]          // piece length 4 GB
    [InlineData(new byte[] { 0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "varint")]
    [InlineData(new byte[] { 0x0B }, "wire type StartGroup")]                                      // pieces as a group
    [InlineData(new byte[] { 0x63 }, "unsupported wire type")]                                     // unknown field 12 as a group
    [InlineData(new byte[] { 0x0F }, "invalid wire type")]
    [InlineData(new byte[] { 0x00 }, "invalid field number")]
    [InlineData(new byte[] { 0x0D, 0, 0, 0, 0 }, "wire type")]                                     // pieces as fixed32
    [InlineData(new byte[] { 0x0A, 0x03, 0x0A, 0x01, 0xFF }, "UTF-8")]
    [InlineData(new byte[] { }, "no pieces")]
    public void SpecificCorruptionsNameTheProblem(byte[] bytes, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => SentencePieceModelReader.Parse(bytes, "bad.model"));
        Assert.Contains("bad.model", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
