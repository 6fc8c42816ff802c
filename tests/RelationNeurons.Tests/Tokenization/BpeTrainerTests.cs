using RelationNeurons.Tokenization;
using RelationNeurons.Tokenization.HuggingFace;
using RelationNeurons.Tokenization.SentencePiece;
using RelationNeurons.Tokenization.Training;

namespace RelationNeurons.Tests.Tokenization;

public class BpeTrainerTests
{
    private static readonly string[] Corpus = TrainingCorpus.Sentences().ToArray();
    private static readonly Lazy<SentencePieceModel> Trained = new(() => BpeTrainer.Train(Corpus, 600));

    [Fact]
    public void VocabularyHasLlamaLayout()
    {
        var model = Trained.Value;
        Assert.True(Corpus.Length >= 200);
        Assert.Equal(("<unk>", PieceType.Unknown), (model.Pieces[0].Piece, model.Pieces[0].Type));
        Assert.Equal(("<s>", PieceType.Control), (model.Pieces[1].Piece, model.Pieces[1].Type));
        Assert.Equal(("</s>", PieceType.Control), (model.Pieces[2].Piece, model.Pieces[2].Type));
        for (int b = 0; b < 256; b++) Assert.Equal((BytePieces.Name((byte)b), PieceType.Byte), (model.Pieces[3 + b].Piece, model.Pieces[3 + b].Type));
        var normal = model.Pieces.Skip(259).ToList();
        Assert.All(normal, p => Assert.Equal(PieceType.Normal, p.Type));
        Assert.Equal(normal.Count, normal.Select(p => p.Piece).Distinct().Count());
        // Scores strictly decrease, so merge order is unambiguous.
        for (int i = 1; i < normal.Count; i++) Assert.True(normal[i].Score < normal[i - 1].Score);
        // Every character of the corpus is a piece; "▁" only ever starts a piece.
        var pieces = normal.Select(p => p.Piece).ToHashSet();
        foreach (var rune in string.Concat(Corpus).EnumerateRunes())
            Assert.Contains(rune == new System.Text.Rune(' ') ? "\u2581" : rune.ToString(), pieces);
        Assert.All(normal, p => Assert.DoesNotContain('\u2581', p.Piece.Length > 1 ? p.Piece[1..] : ""));
        Assert.Contains("\u2581Paris", pieces);
        // No piece mixes a word with the punctuation or digits next to it (SentencePiece's split_by_unicode_script).
        Assert.All(normal.Where(p => p.Piece.Length > 1), p => Assert.True(
            p.Piece.TrimStart('\u2581').EnumerateRunes().Select(ScriptClass.Of).Where(c => c != ScriptClass.Inherited).Distinct().Count() <= 1, p.Piece));
        Assert.True(model.Pieces.Count <= 600);
        Assert.True(model.Pieces.Count > 400, $"only {model.Pieces.Count} pieces");
    }

    [Fact]
    public void WithoutTheScriptRuleWordsAndPunctuationMerge()
    {
        var mixed = BpeTrainer.Train(Corpus, 600, new BpeTrainerOptions { SplitByScript = false });
        Assert.Contains(mixed.Pieces, p => p.Piece.Length > 1 && char.IsLetter(p.Piece[0]) && p.Piece.EndsWith('.'));
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        var again = BpeTrainer.Train(Corpus, 600);
        Assert.Equal(Trained.Value.Pieces, again.Pieces);
        // Input order of equal texts does not matter: only word counts do.
        var shuffled = BpeTrainer.Train(Corpus.Reverse(), 600);
        Assert.Equal(Trained.Value.Pieces, shuffled.Pieces);
    }

    [Fact]
    public void SavedTokenizerLoadsAndRoundTripsTheTrainingText()
    {
        using var folder = new TempFolder();
        SentencePieceStyleTokenizerWriter.Write(Trained.Value, folder.Path);
        var loaded = TokenizerLoader.Load(folder.Path);
        Assert.IsType<HfTokenizer>(loaded);
        Assert.True(loaded.AddBosByDefault);
        Assert.Equal(1, loaded.BosId);
        Assert.Equal([2], loaded.EosIds);
        Assert.Equal(Trained.Value.Pieces.Count, loaded.VocabSize);

        // The same vocabulary through SentencePiece's score-ordered BPE must agree with the rank-ordered tokenizer.json.
        var sentencePiece = new SentencePieceTokenizer(Trained.Value);
        foreach (string text in Corpus.Append("  Ünseen wörds: 東京 🦙\tand tabs"))
        {
            int[] ids = loaded.Encode(text, addBos: true);
            Assert.Equal(1, ids[0]);
            Assert.Equal(text, loaded.Decode(ids));
            Assert.Equal(ids, loaded.Encode(text, addBos: true));
            Assert.Equal(sentencePiece.Encode(text, addBos: true), ids);
        }
        // Known words compress: the trained vocabulary is doing its job.
        int[] known = loaded.Encode("Die Hauptstadt von Frankreich ist Paris.", false);
        Assert.True(known.Length <= 12, string.Join(" ", known.Select(loaded.IdToPiece)));
        Assert.Contains("\u2581Hauptstadt", known.Select(loaded.IdToPiece));
    }

    [Fact]
    public void SavedSentencePieceModelLoadsThroughTheLoader()
    {
        using var folder = new TempFolder();
        SentencePieceModelWriter.Write(Trained.Value, folder.File("tokenizer.model"));
        var loaded = TokenizerLoader.Load(folder.Path);
        Assert.IsType<SentencePieceTokenizer>(loaded);
        foreach (string text in Corpus.Take(20)) Assert.Equal(text, loaded.Decode(loaded.Encode(text, true)));
    }

    [Fact]
    public void TooSmallVocabularyIsAUserError()
    {
        var e = Assert.Throws<UserInputException>(() => BpeTrainer.Train(Corpus, 270));
        Assert.Contains("too small", e.Message);
        Assert.Throws<UserInputException>(() => BpeTrainer.Train(["", ""], 1000));
    }

    [Fact]
    public void NeverCreatesReservedPieces()
    {
        var model = BpeTrainer.Train(Enumerable.Repeat("<s> and </s> and <unk> and <0x41>", 50), 400);
        Assert.Equal(model.Pieces.Count, model.Pieces.Select(p => p.Piece).Distinct().Count());
    }
}
