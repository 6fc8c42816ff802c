using System.Globalization;
using System.Text;

namespace RelationNeurons.Tokenization.Training;

/// <summary>
/// The writing-system class of a character, as SentencePiece's trainer uses Unicode scripts with
/// <c>split_by_unicode_script</c> and <c>split_by_number</c> (both on by default): a piece never
/// mixes classes, so "Paris." stays "▁Paris" + "." and a Chinese answer is not fused with the
/// "。" after it. Without this a model trained on "… is? Answer: Paris." learns to emit "Paris."
/// in one token, which is not a prefix of "Paris" and fails the paper's answer criterion.
/// Kana are counted with Han (as SentencePiece does) so that Japanese words can merge;
/// combining marks take the class of the character before them; digits are a class of their own;
/// punctuation, symbols and separators are one "common" class. .NET exposes no Unicode script
/// property, so letters are classed by the blocks of the scripts in use here, and any other
/// letter by its 128-code-point block (a stand-in that never joins two scripts of one block
/// we do not know, and never splits a script we do).
/// </summary>
public static class ScriptClass
{
    public const int Any = -1;
    public const int Inherited = -2;
    private const int Common = 0, Number = 1, Latin = 2, Greek = 3, Cyrillic = 4, Han = 5, Hangul = 6, Arabic = 7, Hebrew = 8, Thai = 9;
    private const int OtherBlockBase = 100;

    public static int Of(Rune rune)
    {
        int c = rune.Value;
        var category = Rune.GetUnicodeCategory(rune);
        switch (category)
        {
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                return Inherited;
            case UnicodeCategory.DecimalDigitNumber:
                return Number;
        }
        // The kana prolonged sound mark is "common" in Unicode but belongs to Japanese words.
        if (c == 0x30FC) return Han;
        bool letter = Rune.IsLetter(rune) || category == UnicodeCategory.LetterNumber;
        if (!letter) return Common;
        return c switch
        {
            <= 0x024F or (>= 0x1E00 and <= 0x1EFF) or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) or (>= 0xFF21 and <= 0xFF5A) => Latin,
            (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => Greek,
            (>= 0x0400 and <= 0x052F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => Cyrillic,
            (>= 0x0590 and <= 0x05FF) => Hebrew,
            (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0x08A0 and <= 0x08FF) => Arabic,
            (>= 0x0E00 and <= 0x0E7F) => Thai,
            (>= 0x1100 and <= 0x11FF) or (>= 0x3130 and <= 0x318F) or (>= 0xAC00 and <= 0xD7AF) => Hangul,
            (>= 0x2E80 and <= 0x2FDF) or (>= 0x3005 and <= 0x3007) or (>= 0x3021 and <= 0x3029) or (>= 0x3038 and <= 0x303B)
                or (>= 0x3040 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF)
                or (>= 0xF900 and <= 0xFAFF) or (>= 0xFF66 and <= 0xFF9D) or >= 0x20000 => Han,
            _ => OtherBlockBase + c / 128,
        };
    }

    /// <summary>
    /// The class of a piece: that of its characters after a leading "▁" (which may start a piece
    /// of any class), combining marks following the character before them; <see cref="Any"/> for
    /// "▁" alone.
    /// </summary>
    public static int OfPiece(string piece)
    {
        foreach (var rune in piece.EnumerateRunes())
        {
            if (rune.Value == SentencePiece.SentencePieceNormalizer.SpaceSymbol) continue;
            int c = Of(rune);
            if (c == Inherited) continue;
            return c;
        }
        return Any;
    }

    /// <summary>Whether two pieces of one word may merge: the same class, or one of them "▁" alone.</summary>
    public static bool CanJoin(string left, string right)
    {
        // Every piece holds one class (merges never join two), so its first class is its last.
        int l = OfPiece(left), r = OfPiece(right);
        return l == Any || r == Any || l == r;
    }
}
