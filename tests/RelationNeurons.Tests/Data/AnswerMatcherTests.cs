using CsCheck;
using RelationNeurons.Data;
using RelationNeurons.Data.Unicode;

namespace RelationNeurons.Tests.Data;

public class AnswerMatcherTests
{
    private static readonly AnswerMatcher M = AnswerMatcher.Default;

    [Theory]
    [InlineData(" Paris.", "Paris", true)]
    [InlineData(" Paris, the city of light", "Paris", true)]
    [InlineData("Paris", "Paris", true)]
    [InlineData(" PARIS\n", "Paris", true)]
    [InlineData(" Parisian", "Paris", false)]
    [InlineData(" the city of Paris", "Paris", false)]
    [InlineData(" the euro", "euro", true)]
    [InlineData(" The Euro!", "euro", true)]
    [InlineData(" euro", "the euro", true)]
    [InlineData(" New York City", "New York", true)]
    [InlineData(" New", "New York", false)]
    [InlineData(" New Yorker", "New York", false)]
    [InlineData(" Zurich", "Zürich", true)]
    [InlineData(" Zürich", "Zurich", true)]
    [InlineData(" Sao Paulo", "São Paulo", true)]
    [InlineData(" São Paulo, Brazil", "Sao Paulo", true)]
    [InlineData(" São", "São Paulo", false)]
    [InlineData(" Tim Cook", "Tim Cook", true)]
    [InlineData(" Tim  Cook", "Tim Cook", true)]
    [InlineData(" Tim Cooks", "Tim Cook", false)]
    [InlineData(" Jean-Paul Sartre", "Jean Paul Sartre", true)]
    [InlineData(" 1990s", "1990", false)]
    [InlineData(" 1,000 people", "1000", false)]
    [InlineData(" ﬁnland", "Finland", true)]
    [InlineData(" ＰＡＲＩＳ", "Paris", true)]
    [InlineData(" Straße", "Strasse", true)]
    [InlineData(" Ålesund", "Alesund", true)]
    [InlineData(" Łódź", "Lodz", true)]
    [InlineData("", "Paris", false)]
    public void MatchesAtWordBoundaryAfterNormalization(string continuation, string answer, bool expected) =>
        Assert.Equal(expected, M.IsCorrect(continuation, [answer], "en"));

    [Theory]
    [InlineData("de", " die Donau", "Donau", true)]
    [InlineData("de", " eine Katze", "Katze", true)]
    [InlineData("fr", " l'euro", "euro", true)]
    [InlineData("fr", " les Alpes", "Alpes", true)]
    [InlineData("es", " el euro", "euro", true)]
    [InlineData("es", " la peseta", "peseta", true)]
    [InlineData("en", " die Donau", "Donau", false)] // German articles only in German
    [InlineData("it", " il Po", "Po", false)]        // no articles for languages outside en/de/fr/es
    public void StripsLeadingArticlesOfThePromptLanguage(string language, string continuation, string answer, bool expected) =>
        Assert.Equal(expected, M.IsCorrect(continuation, [answer], language));

    [Fact]
    public void AnAnswerThatIsOnlyAnArticleIsKept()
    {
        Assert.Equal("a", M.Normalize("A", "en"));
        Assert.True(M.IsCorrect(" A.", ["A"], "en"));
        Assert.True(M.IsCorrect(" A and B", ["A"], "en"));   // the continuation is tried with its article kept, too
        Assert.True(M.IsCorrect(" The The", ["The The"], "en"));
    }

    [Fact]
    public void AnyAcceptedAnswerCounts()
    {
        string[] answers = ["United States of America", "USA", "the United States"];
        Assert.True(M.IsCorrect(" the USA", answers, "en"));
        Assert.True(M.IsCorrect(" United States, which", answers, "en"));
        Assert.False(M.IsCorrect(" United Kingdom", answers, "en"));
        Assert.Equal("united states of america", M.MatchedAnswer(" United States of America.", M.Prepare(answers, "en")));
    }

    [Fact]
    public void AccentStrippingCanBeTurnedOff()
    {
        var strict = new AnswerMatcher(new AnswerMatchOptions { StripAccents = false });
        Assert.False(strict.IsCorrect(" Zurich", ["Zürich"], "en"));
        Assert.True(strict.IsCorrect(" ZÜRICH", ["Zürich"], "en"));
        // Composed and decomposed forms are the same text after NFKC.
        Assert.True(strict.IsCorrect(" Zu\u0308rich", ["Z\u00FCrich"], "en"));
    }

    [Fact]
    public void ScriptsWithoutSpacesMatchWithoutWordBoundary()
    {
        Assert.True(M.IsCorrect("巴黎是法国的首都", ["巴黎"], "zh"));
        Assert.True(M.IsCorrect(" Москва.", ["Москва"], "ru"));
        Assert.False(M.IsCorrect(" Московский", ["Москва"], "ru"));
        Assert.True(M.IsCorrect(" Αθήνα", ["ΑΘΗΝΑ"], "el"));
    }

    [Theory]
    [InlineData("", AnswerDecision.Undecided)]
    [InlineData(" Par", AnswerDecision.Undecided)]
    [InlineData(" Paris", AnswerDecision.Undecided)]   // could still become "Parisian"
    [InlineData(" Paris.", AnswerDecision.Correct)]
    [InlineData(" Paris is", AnswerDecision.Correct)]
    [InlineData(" Parisian", AnswerDecision.Wrong)]
    [InlineData(" Lyon", AnswerDecision.Wrong)]
    [InlineData(" Th", AnswerDecision.Undecided)]      // may be the start of "the"
    [InlineData(" the", AnswerDecision.Undecided)]
    [InlineData(" the ", AnswerDecision.Undecided)]
    [InlineData(" the P", AnswerDecision.Undecided)]
    [InlineData(" the Paris ", AnswerDecision.Correct)]
    [InlineData(" the Lyon", AnswerDecision.Wrong)]
    [InlineData(" New", AnswerDecision.Undecided)]
    [InlineData(" New ", AnswerDecision.Undecided)]
    [InlineData(" New York", AnswerDecision.Undecided)]
    [InlineData(" New York City", AnswerDecision.Correct)]
    [InlineData(" New Yorker", AnswerDecision.Wrong)]
    [InlineData(" Newark", AnswerDecision.Wrong)]
    public void DecidesAsSoonAsTheOutcomeIsFixed(string soFar, AnswerDecision expected) =>
        Assert.Equal(expected, M.Decide(soFar, ["Paris", "New York"], "en"));

    [Fact]
    public void DecisionAgreesWithFinalScoringOnceDecided()
    {
        // Every prefix decision must be consistent with the score of any longer text.
        string[] answers = ["Paris", "New York", "São Paulo"];
        string[] texts = [" Paris, France", " the New York Times", " Sao Paulo.", " Parisian life", " Newton", " the city"];
        var prepared = M.Prepare(answers, "en");
        foreach (string text in texts)
        {
            bool final = M.IsCorrect(text, prepared);
            for (int n = 0; n <= text.Length; n++)
            {
                var d = M.Decide(text[..n], prepared);
                if (d == AnswerDecision.Correct) Assert.True(final, $"'{text[..n]}' decided correct but '{text}' is not");
                if (d == AnswerDecision.Wrong) Assert.False(final, $"'{text[..n]}' decided wrong but '{text}' is correct");
            }
        }
    }

    [Fact]
    public void NormalizeFoldsCasePunctuationAndSpaces() =>
        Assert.Equal("o brien s pub 2", M.Normalize("  The O’Brien's   PUB — #2! ", "en"));
}

public class UnicodeNormalizerTests
{
    [Theory]
    [InlineData("ﬁ", "fi")]
    [InlineData("e\u0301", "\u00E9")]
    [InlineData("\u212B", "\u00C5")]               // angstrom sign -> A with ring
    [InlineData("①", "1")]
    [InlineData("ｐａｒｉｓ", "paris")]
    [InlineData("a\u0302\u0323", "\u1EAD")]         // marks reordered by class, then composed
    [InlineData("x\u0323\u0302", "x\u0323\u0302")]  // no composite: stays decomposed, ordered
    [InlineData("서울", "서울")]                      // Hangul stays composed
    [InlineData("𝐏𝐚𝐫𝐢𝐬", "Paris")]                  // mathematical bold, outside the BMP
    [InlineData("ﾊﾟ", "パ")]                         // half-width kana + sound mark compose
    [InlineData("Ⅻ", "XII")]
    [InlineData("Ḳ́", "Ḳ́")]     // K-acute + dot below -> K-dot-below + acute (Python's answer)
    public void NfkcMatchesTheStandard(string input, string expected) =>
        Assert.Equal(expected, UnicodeNormalizer.Nfkc(input));

    [Fact]
    public void NfkdSeparatesMarks()
    {
        Assert.Equal("Sa\u0303o", UnicodeNormalizer.Nfkd("São"));
        Assert.Equal("a\u0323\u0302", UnicodeNormalizer.Nfkd("\u1EAD"));
        Assert.Equal(230, UnicodeNormalizer.CombiningClass(0x0301));
        Assert.Equal(0, UnicodeNormalizer.CombiningClass('a'));
    }

    [Fact]
    public void NfkcIsIdempotentAndAgreesWithNfkdRoundTrip()
    {
        string[] samples = ["Zürich", "São Paulo", "Ångström", "ﬀ ligature", "Ǆemal", "Œuvre", "ῷ", "Ḱ\u0323", "ﾊﾟ", "Ⅻ"];
        foreach (string s in samples)
        {
            string c = UnicodeNormalizer.Nfkc(s);
            Assert.Equal(c, UnicodeNormalizer.Nfkc(c));
            Assert.Equal(c, UnicodeNormalizer.Nfkc(UnicodeNormalizer.Nfkd(s)));
        }
    }
}

public class AnswerMatcherPropertyTests
{
    private static readonly string[] Pieces = ["Paris", "paris", "New", " New", "York", " York", "City", "the", " the", " ", ".", ",", "ian", "é", "São", " Paulo", "Sao", "\n", "-", "l'", "a"];

    [Fact]
    public void EarlyDecisionNeverContradictsTheFinalScore()
    {
        var prepared = AnswerMatcher.Default.Prepare(["Paris", "New York", "São Paulo", "the New York Times"], "en");
        Gen.OneOf(Pieces).Array[0, 8].Select(string.Concat).Sample(text =>
        {
            bool final = AnswerMatcher.Default.IsCorrect(text, prepared);
            for (int n = 0; n <= text.Length; n++)
            {
                var d = AnswerMatcher.Default.Decide(text[..n], prepared);
                if (d == AnswerDecision.Correct && !final) return false;
                if (d == AnswerDecision.Wrong && final) return false;
            }
            return true;
        });
    }

    [Fact]
    public void AnswerFollowedByPunctuationOrSpaceAlwaysMatches()
    {
        Gen.String[Gen.Char.AlphaNumeric, 1, 12]
            .Select(Gen.OneOf(".", ",", " and more", "!", "\n", ""))
            .Sample((answer, tail) => AnswerMatcher.Default.IsCorrect(" " + answer + tail, [answer], "en")
                                      && AnswerMatcher.Default.IsCorrect(answer.ToUpperInvariant() + tail, [answer], "en"));
    }
}

public class UnicodeNormalizerReferenceTests
{
    /// <summary>
    /// 1000 strings with their NFKC, NFKD, NFC and NFD from Python's unicodedata (fixtures/nfkc_cases.json,
    /// written by src/RelationNeurons/Data/Unicode/generate_tables.py --cases): single code points
    /// that normalisation changes, and mixed sequences (marks, Hangul, kana, compatibility forms).
    /// </summary>
    [Fact]
    public void AgreesWithPythonUnicodedata()
    {
        string? dir = BuiltInPaths.Find(Path.Combine("tests", "RelationNeurons.Tests", "Data", "fixtures"), [AppContext.BaseDirectory]);
        Assert.True(dir is not null, "tests/RelationNeurons.Tests/Data/fixtures not found above the test binary");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "nfkc_cases.json")));
        Assert.Equal(UnicodeTables.UnicodeVersion, doc.RootElement.GetProperty("unicode_version").GetString());
        var bad = new List<string>();
        int n = 0;
        foreach (var row in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string input = row[0].GetString()!, nfkc = row[1].GetString()!, nfkd = row[2].GetString()!;
            n++;
            if (UnicodeNormalizer.Nfkc(input) != nfkc) bad.Add($"NFKC {Hex(input)}: got {Hex(UnicodeNormalizer.Nfkc(input))}, want {Hex(nfkc)}");
            if (UnicodeNormalizer.Nfkd(input) != nfkd) bad.Add($"NFKD {Hex(input)}: got {Hex(UnicodeNormalizer.Nfkd(input))}, want {Hex(nfkd)}");
            string nfc = row[3].GetString()!, nfd = row[4].GetString()!;
            if (UnicodeNormalizer.Nfc(input) != nfc) bad.Add($"NFC {Hex(input)}: got {Hex(UnicodeNormalizer.Nfc(input))}, want {Hex(nfc)}");
            if (UnicodeNormalizer.Nfd(input) != nfd) bad.Add($"NFD {Hex(input)}: got {Hex(UnicodeNormalizer.Nfd(input))}, want {Hex(nfd)}");
        }
        Assert.Equal(1000, n);
        Assert.True(bad.Count == 0, $"{bad.Count} mismatches:\n{string.Join('\n', bad.Take(20))}");
    }

    private static string Hex(string s) => string.Join(" ", s.EnumerateRunes().Select(r => r.Value.ToString("X4")));
}
