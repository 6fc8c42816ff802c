using System.Globalization;
using System.Text;

namespace RelationNeurons.Data;

/// <summary>
/// Derives ids from names for files that do not carry them (LRE files): "company CEO" becomes
/// "company_ceo", "São Paulo" becomes "sao_paulo". Accents are dropped and every run of
/// characters other than ASCII letters and digits becomes one underscore.
/// </summary>
public static class Slug
{
    public static string From(string text)
    {
        string decomposed = UnicodeText.Normalize(text, NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        bool pendingSeparator = false;
        foreach (char raw in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(raw) == UnicodeCategory.NonSpacingMark) continue;
            char c = char.ToLowerInvariant(raw);
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                if (pendingSeparator && sb.Length > 0) sb.Append('_');
                pendingSeparator = false;
                sb.Append(c);
            }
            else if (char.IsLetterOrDigit(c))
            {
                // Non-Latin letters are kept as they are: an id in Cyrillic or CJK is still an id.
                if (pendingSeparator && sb.Length > 0) sb.Append('_');
                pendingSeparator = false;
                sb.Append(c);
            }
            else
            {
                pendingSeparator = true;
            }
        }
        return sb.ToString();
    }
}
