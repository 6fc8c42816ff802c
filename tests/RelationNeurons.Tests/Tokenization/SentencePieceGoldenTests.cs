using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Tests.Tokenization;

public class SentencePieceGoldenTests
{
    private static readonly Lazy<SentencePieceTokenizer> Llama2 = new(() =>
        SentencePieceTokenizer.Load(Path.Combine(TokenizerFixtures.RequireLlama2Folder(), "tokenizer.model")));

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void EncodesLikeTheReferenceLibrary(int index)
    {
        var golden = TokenizerFixtures.GoldenCases()[index];
        var tok = Llama2.Value;
        int[] ids = tok.Encode(golden.Text, addBos: false);
        Assert.Equal(golden.Ids, ids);
        Assert.Equal(golden.Pieces, ids.Select(tok.IdToPiece).ToArray());
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void DecodeInvertsEncode(int index)
    {
        var golden = TokenizerFixtures.GoldenCases()[index];
        var tok = Llama2.Value;
        Assert.Equal(golden.Text, tok.Decode(tok.Encode(golden.Text, addBos: true)));
    }

    public static TheoryData<int> Cases() => TokenizerFixtures.GoldenIndices();

    [SkippableFact]
    public void ReadsLlama2ModelHeader()
    {
        var tok = Llama2.Value;
        var m = tok.Model;
        Assert.Equal(32000, tok.VocabSize);
        Assert.Equal(SentencePieceModelType.Bpe, m.ModelType);
        Assert.True(m.ByteFallback);
        Assert.False(m.RemoveExtraWhitespaces);
        Assert.True(m.AddDummyPrefix);
        Assert.Equal(1, tok.BosId);
        Assert.Equal([2], tok.EosIds);
        Assert.True(tok.AddBosByDefault);
        Assert.Equal("<unk>", tok.IdToPiece(0));
        Assert.Equal("<0x0A>", tok.IdToPiece(13));
        Assert.Equal(PieceType.Control, m.Pieces[1].Type);
        Assert.Equal(PieceType.Byte, m.Pieces[3].Type);
    }

    [SkippableFact]
    public void AddsBosOnlyWhenAsked()
    {
        var tok = Llama2.Value;
        Assert.Equal([1, 450], tok.Encode("The", addBos: true));
        Assert.Equal([450], tok.Encode("The", addBos: false));
    }

    [SkippableFact]
    public void LongTextRoundTrips()
    {
        var tok = Llama2.Value;
        string text = string.Concat(Enumerable.Repeat("The capital of France is Paris. ", 1000));
        int[] ids = tok.Encode(text, addBos: false);
        Assert.Equal(text, tok.Decode(ids));
        // Seven tokens per sentence, plus a lone "▁" for the trailing space.
        Assert.Equal(1 + 7 * 1000, ids.Length);
    }
}
