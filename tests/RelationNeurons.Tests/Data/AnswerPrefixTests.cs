using RelationNeurons.Data;

namespace RelationNeurons.Tests.Data;

/// <summary>The paper's criterion: the 2 generated tokens, decoded, trimmed and case-folded, are a non-empty prefix of an accepted answer.</summary>
public class AnswerPrefixTests
{
    [Theory]
    [InlineData(" Jensen Hu", "Jensen Huang", true)]      // two tokens of a longer name
    [InlineData("Jensen Huang", "Jensen Huang", true)]
    [InlineData(" Paris\n", "Paris", true)]               // trailing whitespace trimmed
    [InlineData("\nParis", "Paris", true)]                // leading whitespace trimmed
    [InlineData(" quarterback", "Quarterback", true)]     // case-folded (App J)
    [InlineData("The", "Paris", false)]
    [InlineData(" Paris is", "Paris", false)]             // runs past the answer: not a prefix
    [InlineData("", "Paris", false)]                      // empty generation
    [InlineData("   \n", "Paris", false)]                 // blank generation
    [InlineData("巴黎", "巴黎", true)]
    [InlineData("巴", "巴黎", true)]                       // one character of a Chinese object
    [InlineData("伦敦", "巴黎", false)]
    [InlineData("アメ", "アメリカ", true)]                 // Japanese katakana, a prefix
    [InlineData("アメリカ合衆国", "アメリカ", false)]       // longer than this answer ...
    [InlineData("東京", "東京都", true)]
    [InlineData("巴\uFFFD", "巴黎", false)]                // the second token ended inside a character
    public void PrefixOfTheAnswer(string generated, string answer, bool correct) =>
        Assert.Equal(correct, AnswerPrefix.IsCorrect(generated, [answer]));

    [Fact]
    public void AnyAcceptedAnswerCounts()
    {
        // ... but a prefix of another accepted answer: アメリカ / アメリカ合衆国, 美国 / 美國.
        Assert.True(AnswerPrefix.IsCorrect("アメリカ合衆国", ["アメリカ", "アメリカ合衆国"]));
        Assert.True(AnswerPrefix.IsCorrect("美國", ["美国", "美國"]));
        Assert.False(AnswerPrefix.IsCorrect("x", ["", "  "]));
    }

    [Fact]
    public void DecidesWrongOnlyWhenNoContinuationCanBeRight()
    {
        var answers = new AnswerPrefix(["Jensen Huang"]);
        Assert.Equal(AnswerDecision.Undecided, answers.Decide(""));
        Assert.Equal(AnswerDecision.Undecided, answers.Decide(" "));
        Assert.Equal(AnswerDecision.Undecided, answers.Decide(" Jensen"));
        Assert.Equal(AnswerDecision.Undecided, answers.Decide(" Jensen Huang"));  // the next token may still run past it
        Assert.Equal(AnswerDecision.Wrong, answers.Decide(" The"));
    }
}
