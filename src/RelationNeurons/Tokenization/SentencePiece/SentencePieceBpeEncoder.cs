namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's BPE segmentation (bpe_model.cc, Model::SampleEncode without dropout): the
/// normalized text starts as one symbol per character (a user-defined symbol is one frozen
/// symbol), and the adjacent pair whose concatenation is a piece with the highest score is merged
/// first, the leftmost on ties, until no pair forms a piece. A heap of candidate pairs with lazy
/// invalidation keeps this O(n log n) on long text.
/// </summary>
internal sealed class SentencePieceBpeEncoder
{
    private readonly Dictionary<string, int> _pieces;
    private readonly Dictionary<string, int> _reserved;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly SentencePieceModel _model;
    private readonly PrefixMatcher _userDefined;

    /// <param name="pieces">Normal, user-defined and unused pieces (SentencePiece's pieces_ map).</param>
    /// <param name="reserved">Control, unknown and byte pieces (reserved_id_map_), which PieceToId consults first.</param>
    public SentencePieceBpeEncoder(SentencePieceModel model, Dictionary<string, int> pieces, Dictionary<string, int> reserved, PrefixMatcher userDefined)
    {
        _model = model;
        _pieces = pieces;
        _reserved = reserved;
        _lookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _userDefined = userDefined;
        _innerBigrams = [];
        foreach (string piece in pieces.Keys)
        {
            int previous = -1;
            foreach (var rune in piece.EnumerateRunes())
            {
                if (previous >= 0) _innerBigrams.Add(BigramKey(previous, rune.Value));
                previous = rune.Value;
            }
        }
    }

    /// <summary>Every pair of adjacent code points found inside some piece.</summary>
    private readonly HashSet<long> _innerBigrams;

    private static long BigramKey(int first, int second) => ((long)first << 21) | (uint)second;

    private static int LastCodePoint(string text, int start, int length) =>
        length >= 2 && char.IsLowSurrogate(text[start + length - 1]) && char.IsHighSurrogate(text[start + length - 2])
            ? char.ConvertToUtf32(text[start + length - 2], text[start + length - 1])
            : text[start + length - 1];

    private static int FirstCodePoint(string text, int start) =>
        start + 1 < text.Length && char.IsHighSurrogate(text[start]) && char.IsLowSurrogate(text[start + 1])
            ? char.ConvertToUtf32(text[start], text[start + 1])
            : text[start];

    private struct Symbol
    {
        public int Start;
        public int Length;
        public int Prev;
        public int Next;
        public bool Freeze;
    }

    private readonly record struct Candidate(int Left, int Right, int Size);

    /// <summary>Orders candidates as SentencePiece's SymbolPairComparator: higher score first, then smaller left index.</summary>
    private sealed class CandidateOrder : IComparer<(float Score, int Left)>
    {
        public static readonly CandidateOrder Instance = new();
        public int Compare((float Score, int Left) a, (float Score, int Left) b)
        {
            int byScore = b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : a.Left.CompareTo(b.Left);
        }
    }

    /// <summary>Segments normalized text; each result is (start, length, id) with id -1 for text that is no piece.</summary>
    public List<(int Start, int Length, int Id)> Encode(string normalized)
    {
        var output = new List<(int, int, int)>();
        if (normalized.Length == 0) return output;

        var symbols = new List<Symbol>(normalized.Length);
        for (int pos = 0; pos < normalized.Length;)
        {
            int user = _userDefined.Match(normalized, pos);
            int length = user > 0 ? user : char.IsHighSurrogate(normalized[pos]) && pos + 1 < normalized.Length ? 2 : 1;
            int index = symbols.Count;
            symbols.Add(new Symbol
            {
                Start = pos,
                Length = length,
                Prev = index - 1,
                Next = pos + length >= normalized.Length ? -1 : index + 1,
                Freeze = user > 0,
            });
            pos += length;
        }

        var agenda = new PriorityQueue<Candidate, (float, int)>(CandidateOrder.Instance);
        Dictionary<string, (string Left, string Right)>? reverseMerges = null;

        void MaybeAdd(int left, int right)
        {
            if (left < 0 || right < 0) return;
            var l = symbols[left];
            var r = symbols[right];
            if (l.Freeze || r.Freeze) return;
            // Adjacent live symbols are contiguous in the text, so their concatenation is a slice.
            var merged = normalized.AsSpan(l.Start, l.Length + r.Length);
            if (!_lookup.TryGetValue(merged, out int id)) return;
            agenda.Enqueue(new Candidate(left, right, merged.Length), (_model.Pieces[id].Score, left));
            if (_model.Pieces[id].Type == PieceType.Unused)
            {
                reverseMerges ??= new Dictionary<string, (string, string)>(StringComparer.Ordinal);
                reverseMerges[merged.ToString()] = (normalized.Substring(l.Start, l.Length), normalized.Substring(r.Start, r.Length));
            }
        }

        // Chunk starts: symbol indices where no piece can span the boundary with the previous symbol.
        var chunkStarts = new List<int> { 0 };
        for (int i = 1; i < symbols.Count; i++)
        {
            var a = symbols[i - 1];
            var b = symbols[i];
            if (a.Freeze || b.Freeze || !_innerBigrams.Contains(BigramKey(LastCodePoint(normalized, a.Start, a.Length), FirstCodePoint(normalized, b.Start))))
            {
                chunkStarts.Add(i);
                a.Next = -1;
                symbols[i - 1] = a;
                b.Prev = -1;
                symbols[i] = b;
            }
        }

        for (int c = 0; c < chunkStarts.Count; c++)
        {
            int end = c + 1 < chunkStarts.Count ? chunkStarts[c + 1] : symbols.Count;
            for (int i = chunkStarts[c] + 1; i < end; i++) MaybeAdd(i - 1, i);
            MergeAll();
        }

        // Resegmentation comes after all merging, as in the library (reverseMerges is text-wide).
        foreach (int head in chunkStarts)
        {
            for (int index = head; index != -1; index = symbols[index].Next)
            {
                var s = symbols[index];
                Resegment(normalized.Substring(s.Start, s.Length), s.Start, output, reverseMerges);
            }
        }
        return output;

        void MergeAll()
        {
            while (agenda.TryDequeue(out var top, out _))
            {
                var left = symbols[top.Left];
                var right = symbols[top.Right];
                // A stale candidate: one side was merged away, or has grown since it was queued.
                if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Size) continue;

                left.Length += right.Length;
                left.Next = right.Next;
                symbols[top.Left] = left;
                if (right.Next >= 0)
                {
                    var after = symbols[right.Next];
                    after.Prev = top.Left;
                    symbols[right.Next] = after;
                }
                right.Length = 0;
                symbols[top.Right] = right;

                MaybeAdd(left.Prev, top.Left);
                MaybeAdd(top.Left, left.Next);
            }
        }
    }

    /// <summary>Splits a piece of type UNUSED back into the pieces it was merged from, as the library does.</summary>
    private void Resegment(string piece, int start, List<(int, int, int)> output, Dictionary<string, (string Left, string Right)>? reverseMerges)
    {
        int id = _reserved.TryGetValue(piece, out int found) || _pieces.TryGetValue(piece, out found) ? found : -1;
        if (id < 0 || _model.Pieces[id].Type != PieceType.Unused || reverseMerges is null || !reverseMerges.TryGetValue(piece, out var parts))
        {
            output.Add((start, piece.Length, id));
            return;
        }
        Resegment(parts.Left, start, output, reverseMerges);
        Resegment(parts.Right, start + parts.Left.Length, output, reverseMerges);
    }
}
