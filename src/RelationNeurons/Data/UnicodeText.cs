using System.Text;
using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Data;

/// <summary>
/// Unicode normalisation by the runtime (<see cref="string.Normalize(NormalizationForm)"/>, which
/// is ICU on Linux), for any string. string.Normalize throws on text that is not valid UTF-16 and
/// on U+FFFE; model output and file contents can hold both, so a lone surrogate is read as U+FFFD
/// (as everywhere else in the project) and U+FFFE, a starter that never combines, is passed
/// through between separately normalised pieces.
/// </summary>
internal static class UnicodeText
{
    /// <summary>
    /// False in globalization-invariant mode (InvariantGlobalization, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT),
    /// where string.Normalize returns non-ASCII text unchanged.
    /// </summary>
    public static bool NormalizationAvailable { get; } = "\uFB01".Normalize(NormalizationForm.FormKC) == "fi";

    public static string Normalize(string text, NormalizationForm form)
    {
        if (!NormalizationAvailable)
            throw new UserInputException("Unicode normalization is unavailable: the runtime runs in globalization-invariant mode "
                + "(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT is set, or InvariantGlobalization); unset it and install ICU (libicu)");
        text = SentencePieceNormalizer.ReplaceLoneSurrogates(text);
        if (!text.Contains('\uFFFE')) return text.Normalize(form);
        return string.Join('\uFFFE', text.Split('\uFFFE').Select(piece => piece.Normalize(form)));
    }
}
