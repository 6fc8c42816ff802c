using System.Globalization;
using System.Text;

namespace RelationNeurons.Data.Unicode;

/// <summary>
/// Unicode normalisation forms NFD, NFC, NFKD and NFKC, from tables carried by the project. Needed because
/// the project runs with InvariantGlobalization, where <see cref="string.Normalize()"/> leaves
/// non-ASCII text as it is ("São" would not decompose, "ﬁ" would not become "fi").
/// Hangul syllables are decomposed and composed by the algorithm of the standard (§3.12).
/// </summary>
internal static class UnicodeNormalizer
{
    private static readonly Dictionary<int, int[]> Decomposition = ParseDecompositions();
    private static readonly (int First, int Last, byte Class)[] CombiningRanges = ParseCombiningClasses();
    private static readonly Dictionary<long, int> Composition = ParseCompositions();
    private static readonly Dictionary<int, int[]> CanonicalExceptions = ParseCanonicalExceptions();

    /// <summary>Compatibility decomposition followed by canonical ordering of combining marks.</summary>
    public static string Nfkd(string text) => ToString(DecomposeToRunes(text));

    /// <summary>Compatibility decomposition followed by canonical composition.</summary>
    public static string Nfkc(string text) => ToString(Compose(DecomposeToRunes(text)));

    /// <summary>Canonical decomposition followed by canonical ordering of combining marks.</summary>
    public static string Nfd(string text) => ToString(DecomposeToRunes(text, canonical: true));

    /// <summary>Canonical decomposition followed by canonical composition (Qwen's tokenizer normalizer).</summary>
    public static string Nfc(string text) => ToString(Compose(DecomposeToRunes(text, canonical: true)));

    /// <summary>Canonical composition of already decomposed text (e.g. after dropping some marks).</summary>
    public static string ComposeDecomposed(string decomposed)
    {
        var runes = new List<int>(decomposed.Length);
        foreach (Rune r in decomposed.EnumerateRunes()) runes.Add(r.Value);
        return ToString(Compose(runes));
    }

    public static int CombiningClass(int codePoint)
    {
        int lo = 0, hi = CombiningRanges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var (first, last, cls) = CombiningRanges[mid];
            if (codePoint < first) hi = mid - 1;
            else if (codePoint > last) lo = mid + 1;
            else return cls;
        }
        return 0;
    }

    private static List<int> DecomposeToRunes(string text, bool canonical = false)
    {
        var runes = new List<int>(text.Length + 8);
        foreach (Rune r in text.EnumerateRunes())
        {
            if (canonical && CanonicalExceptions.TryGetValue(r.Value, out var cd))
            {
                if (cd.Length == 0) runes.Add(r.Value);
                else runes.AddRange(cd);
            }
            else if (Decomposition.TryGetValue(r.Value, out var d)) runes.AddRange(d);
            else if (r.Value - SBase is >= 0 and < SCount) DecomposeHangul(r.Value, runes);
            else runes.Add(r.Value);
        }
        // Canonical ordering: within each run of non-starters, a stable sort by combining class.
        for (int i = 1; i < runes.Count; i++)
        {
            int cls = CombiningClass(runes[i]);
            if (cls == 0) continue;
            for (int j = i; j > 0; j--)
            {
                int prev = CombiningClass(runes[j - 1]);
                if (prev <= cls) break;
                (runes[j - 1], runes[j]) = (runes[j], runes[j - 1]);
            }
        }
        return runes;
    }

    /// <summary>The canonical composition algorithm of UAX #15 over decomposed, ordered text.</summary>
    private static List<int> Compose(List<int> runes)
    {
        var result = new List<int>(runes.Count);
        int starter = -1;     // index in result of the last starter
        int lastClass = 0;    // combining class of the last character appended after it
        foreach (int c in runes)
        {
            int cls = CombiningClass(c);
            bool adjacent = starter >= 0 && starter == result.Count - 1;
            bool unblocked = adjacent || (starter >= 0 && lastClass != 0 && lastClass < cls);
            if (unblocked && TryCompose(result[starter], c, out int composite))
            {
                result[starter] = composite;
                continue;
            }
            if (cls == 0) starter = result.Count;
            lastClass = cls;
            result.Add(c);
        }
        return result;
    }

    // Hangul syllable arithmetic (Unicode §3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static void DecomposeHangul(int s, List<int> into)
    {
        int index = s - SBase;
        into.Add(LBase + index / NCount);
        into.Add(VBase + index % NCount / TCount);
        if (index % TCount != 0) into.Add(TBase + index % TCount);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        int l = first - LBase, v = second - VBase;
        if (l is >= 0 and < LCount && v is >= 0 and < VCount)
        {
            composite = SBase + (l * VCount + v) * TCount;
            return true;
        }
        int sIndex = first - SBase, t = second - TBase;
        if (sIndex is >= 0 and < SCount && sIndex % TCount == 0 && t is > 0 and < TCount)
        {
            composite = first + t;
            return true;
        }
        return Composition.TryGetValue(Key(first, second), out composite);
    }

    private static string ToString(List<int> runes)
    {
        var sb = new StringBuilder(runes.Count);
        foreach (int r in runes) sb.Append(new Rune(r).ToString());
        return sb.ToString();
    }

    private static long Key(int a, int b) => ((long)a << 21) | (uint)b;

    private static IEnumerable<string> Entries(string table) =>
        table.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static Dictionary<int, int[]> ParseDecompositions()
    {
        var map = new Dictionary<int, int[]>(6000);
        foreach (string e in Entries(UnicodeTables.Decompositions))
        {
            int colon = e.IndexOf(':');
            map[Hex(e[..colon])] = e[(colon + 1)..].Split(',').Select(Hex).ToArray();
        }
        return map;
    }

    private static Dictionary<int, int[]> ParseCanonicalExceptions()
    {
        var map = new Dictionary<int, int[]>(4000);
        foreach (string e in Entries(UnicodeTables.CanonicalExceptions))
        {
            int colon = e.IndexOf(':');
            map[Hex(e[..colon])] = colon == e.Length - 1 ? [] : e[(colon + 1)..].Split(',').Select(Hex).ToArray();
        }
        return map;
    }

    private static (int, int, byte)[] ParseCombiningClasses() =>
        Entries(UnicodeTables.CombiningClasses).Select(e =>
        {
            int dash = e.IndexOf('-'), colon = e.IndexOf(':');
            return (Hex(e[..dash]), Hex(e[(dash + 1)..colon]), byte.Parse(e[(colon + 1)..], CultureInfo.InvariantCulture));
        }).ToArray();

    private static Dictionary<long, int> ParseCompositions()
    {
        var map = new Dictionary<long, int>(1000);
        foreach (string e in Entries(UnicodeTables.Compositions))
        {
            int comma = e.IndexOf(','), colon = e.IndexOf(':');
            map[Key(Hex(e[..comma]), Hex(e[(comma + 1)..colon]))] = Hex(e[(colon + 1)..]);
        }
        return map;
    }
}
