using System.Text;

namespace RelationNeurons.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's Unigram segmentation (unigram_model.cc, EncodeOptimized): Viterbi over the
/// characters of the normalized text, each piece scored by its log-probability, user-defined pieces
/// given a bonus that always wins, and a character no piece covers scored min_score - 10 as unknown.
/// </summary>
internal sealed class SentencePieceUnigramEncoder
{
    private const float UnknownPenalty = 10f;

    private readonly SentencePieceModel _model;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxPieceChars;
    private readonly float _minScore;
    private readonly float _maxScore;

    /// <param name="pieces">Normal, user-defined and unused pieces: the candidates of the lattice.</param>
    public SentencePieceUnigramEncoder(SentencePieceModel model, Dictionary<string, int> pieces)
    {
        _model = model;
        _lookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _maxPieceChars = pieces.Count == 0 ? 1 : pieces.Keys.Max(p => p.Length);
        // As the library: max starts at FLT_MIN (the smallest positive float), so with the usual
        // all-negative log-probabilities a user-defined piece scores about -0.1 and always wins.
        _minScore = float.MaxValue;
        _maxScore = 1.17549435E-38f;
        foreach (var p in model.Pieces)
        {
            if (p.Type != PieceType.Normal) continue;
            _minScore = Math.Min(_minScore, p.Score);
            _maxScore = Math.Max(_maxScore, p.Score);
        }
    }

    private struct Node
    {
        public int Id;
        public float Score;
        public int StartsAt;
    }

    public List<(int Start, int Length, int Id)> Encode(string normalized)
    {
        int size = normalized.Length;
        var result = new List<(int, int, int)>();
        if (size == 0) return result;
        var best = new Node[size + 1];
        for (int i = 0; i <= size; i++) best[i] = new Node { Id = -1, StartsAt = -1 };
        float unkScore = _minScore - UnknownPenalty;

        for (int start = 0; start < size;)
        {
            float scoreHere = best[start].Score;
            int charLen = char.IsHighSurrogate(normalized[start]) && start + 1 < size ? 2 : 1;
            bool hasSingle = false;
            int maxEnd = Math.Min(size, start + _maxPieceChars);
            for (int end = start + 1; end <= maxEnd; end++)
            {
                if (!_lookup.TryGetValue(normalized.AsSpan(start, end - start), out int id)) continue;
                var entry = _model.Pieces[id];
                if (entry.Type == PieceType.Unused) continue;
                float score = entry.Type == PieceType.UserDefined
                    ? Encoding.UTF8.GetByteCount(normalized.AsSpan(start, end - start)) * _maxScore - 0.1f
                    : entry.Score;
                float candidate = score + scoreHere;
                ref var target = ref best[end];
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target.Score = candidate;
                    target.StartsAt = start;
                    target.Id = id;
                }
                if (end - start == charLen) hasSingle = true;
            }
            if (!hasSingle)
            {
                ref var target = ref best[start + charLen];
                float candidate = unkScore + scoreHere;
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target.Score = candidate;
                    target.StartsAt = start;
                    target.Id = -1;
                }
            }
            start += charLen;
        }

        for (int end = size; end > 0;)
        {
            var node = best[end];
            result.Add((node.StartsAt, end - node.StartsAt, node.Id));
            end = node.StartsAt;
        }
        result.Reverse();
        return result;
    }
}
