using System.Text;
using RelationNeurons.Tokenization.Training;

namespace RelationNeurons.Tests.Tokenization;

/// <summary>The writing-system classes that keep BPE pieces within one script, as SentencePiece's split_by_unicode_script.</summary>
public class ScriptClassTests
{
    [Theory]
    [InlineData("Paris", ".", false)]          // a full stop never joins a word: "Paris." would fail the 2-token prefix criterion
    [InlineData("Par", "is", true)]
    [InlineData("Zo", "ë", true)]              // accented Latin letters are Latin
    [InlineData("俳", "優", true)]
    [InlineData("優", "。", false)]
    [InlineData("の職業", "は", true)]          // kana count with Han, as in SentencePiece
    [InlineData("ジェンスン", "・", false)]      // the middle dot is punctuation
    [InlineData("ジェンスン", "ー", true)]       // the prolonged sound mark belongs to the word
    [InlineData("19", "90", true)]
    [InlineData("1990", "s", false)]           // digits are a class of their own (split_by_number)
    [InlineData("\u2581", "Paris", true)]      // "▁" may start a piece of any class
    [InlineData("\u2581", "。", true)]
    [InlineData("Москва", "Paris", false)]
    [InlineData("e", "\u0301", true)]          // a combining mark takes the class before it
    [InlineData("?", "\uFF1F", true)]          // punctuation of any width is one class
    public void PiecesJoinOnlyWithinOneClass(string left, string right, bool joins) =>
        Assert.Equal(joins, ScriptClass.CanJoin(left, right));

    [Fact]
    public void ClassesOfSingleCharacters()
    {
        int Of(string c) => ScriptClass.Of(Rune.GetRuneAt(c, 0));
        Assert.Equal(Of("a"), Of("ß"));
        Assert.Equal(Of("中"), Of("あ"));
        Assert.Equal(Of("中"), Of("カ"));
        Assert.NotEqual(Of("中"), Of("한"));
        Assert.NotEqual(Of("a"), Of("α"));
        Assert.Equal(ScriptClass.Inherited, Of("\u0301"));
        Assert.Equal(Of("."), Of("："));
        Assert.NotEqual(Of("7"), Of("."));
    }
}
