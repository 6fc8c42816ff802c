namespace RelationNeurons.Tokenization.HuggingFace;

/// <summary>
/// The "BPE" model of Hugging Face tokenizers (models/bpe): a word starts as one symbol per
/// character (unknown characters become byte pieces with byte_fallback, else the unknown token),
/// then the adjacent pair with the lowest merge rank is merged, the leftmost on ties, until no
/// listed merge applies. A heap with lazy invalidation keeps long words O(n log n), and a long
/// word is first cut between characters that stand side by side in no vocabulary token: no merge
/// can cross such a cut, and merge order within each chunk is unchanged, so the chunks are merged
/// one by one with small heaps and the same result.
/// </summary>
internal sealed class HfBpeModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<(int Left, int Right), (int Rank, int NewId)> _merges;
    private readonly int[] _byteIds;
    private readonly int? _unkId;
    private readonly Lazy<HashSet<long>> _innerBigrams;

    /// <summary>Words shorter than this (in symbols) are merged in one piece; cutting them would not pay.</summary>
    private const int ChunkingThreshold = 64;

    public HfBpeModel(Dictionary<string, int> vocab, Dictionary<(int, int), (int, int)> merges, bool byteFallback, string? unkToken,
        bool fuseUnk, bool ignoreMerges, string? continuingSubwordPrefix, string? endOfWordSuffix, string source)
    {
        _vocab = vocab;
        _lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        ByteFallback = byteFallback;
        FuseUnk = fuseUnk;
        IgnoreMerges = ignoreMerges;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        EndOfWordSuffix = endOfWordSuffix;
        if (unkToken is not null)
        {
            if (!vocab.TryGetValue(unkToken, out int unk)) throw new UserInputException($"{source}: model.unk_token '{unkToken}' is not in the vocabulary");
            _unkId = unk;
        }
        _innerBigrams = new Lazy<HashSet<long>>(() =>
        {
            var set = new HashSet<long>();
            foreach (string token in vocab.Keys)
            {
                int previous = -1;
                foreach (var rune in token.EnumerateRunes())
                {
                    if (previous >= 0) set.Add(BigramKey(previous, rune.Value));
                    previous = rune.Value;
                }
            }
            return set;
        });
        _byteIds = new int[256];
        HasAllBytePieces = true;
        for (int b = 0; b < 256; b++)
        {
            if (vocab.TryGetValue(BytePieces.Name((byte)b), out int id)) _byteIds[b] = id;
            else { _byteIds[b] = -1; HasAllBytePieces = false; }
        }
    }

    public bool ByteFallback { get; }
    public bool FuseUnk { get; }
    public bool IgnoreMerges { get; }
    public string? ContinuingSubwordPrefix { get; }
    public string? EndOfWordSuffix { get; }
    public bool HasAllBytePieces { get; }
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    private static long BigramKey(int first, int second) => ((long)first << 21) | (uint)second;

    private struct Symbol
    {
        /// <summary>The code point when the symbol is one character found in the vocabulary as itself, else -1.</summary>
        public int CodePoint;
        public int Id;
        public int Prev;
        public int Next;
        public bool Removed;
    }

    private readonly record struct MergeCandidate(int Pos, int NewId);

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void EncodeWord(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (IgnoreMerges && _vocab.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            return;
        }

        var symbols = new List<Symbol>(word.Length);
        int pendingUnk = -1;
        void Add(int id, int codePoint = -1)
        {
            symbols.Add(new Symbol { Id = id, CodePoint = codePoint, Prev = symbols.Count - 1, Next = symbols.Count + 1 });
        }
        void FlushUnk()
        {
            if (pendingUnk >= 0) { Add(pendingUnk); pendingUnk = -1; }
        }

        for (int i = 0; i < word.Length;)
        {
            int len = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var ch = word.AsSpan(i, len);
            bool first = i == 0;
            i += len;
            bool last = i >= word.Length;
            string? affixed = null;
            if (!first && ContinuingSubwordPrefix is not null) affixed = ContinuingSubwordPrefix + ch.ToString();
            if (last && EndOfWordSuffix is not null) affixed = (affixed ?? ch.ToString()) + EndOfWordSuffix;
            bool found = affixed is null ? _lookup.TryGetValue(ch, out int id) : _vocab.TryGetValue(affixed, out id);
            if (found)
            {
                FlushUnk();
                Add(id, affixed is null ? char.ConvertToUtf32(ch.ToString(), 0) : -1);
                continue;
            }
            if (ByteFallback)
            {
                // All bytes of the character must have a byte piece, else the unknown token is used.
                string s = affixed ?? ch.ToString();
                byte[] bytes = System.Text.Encoding.UTF8.GetBytes(s);
                if (bytes.All(b => _byteIds[b] >= 0))
                {
                    foreach (byte b in bytes) Add(_byteIds[b]);
                    continue;
                }
            }
            if (_unkId is int unk)
            {
                if (pendingUnk >= 0 && !FuseUnk) Add(pendingUnk);
                pendingUnk = unk;
            }
        }
        FlushUnk();
        if (symbols.Count == 0) return;
        var lastSymbol = symbols[^1];
        lastSymbol.Next = -1;
        symbols[^1] = lastSymbol;

        // Chunk heads: a cut between two plain characters that never stand side by side in a token.
        var heads = new List<int> { 0 };
        if (symbols.Count >= ChunkingThreshold && ContinuingSubwordPrefix is null && EndOfWordSuffix is null)
        {
            var inner = _innerBigrams.Value;
            for (int i = 1; i < symbols.Count; i++)
            {
                var a = symbols[i - 1];
                var b = symbols[i];
                if (a.CodePoint < 0 || b.CodePoint < 0 || inner.Contains(BigramKey(a.CodePoint, b.CodePoint))) continue;
                heads.Add(i);
                a.Next = -1;
                symbols[i - 1] = a;
                b.Prev = -1;
                symbols[i] = b;
            }
        }

        var queue = new PriorityQueue<MergeCandidate, (int Rank, int Pos)>();
        for (int c = 0; c < heads.Count; c++)
        {
            int end = c + 1 < heads.Count ? heads[c + 1] : symbols.Count;
            for (int i = heads[c]; i + 1 < end; i++)
                if (_merges.TryGetValue((symbols[i].Id, symbols[i + 1].Id), out var m))
                    queue.Enqueue(new MergeCandidate(i, m.NewId), (m.Rank, i));
            MergeAll();
        }

        foreach (int head in heads)
            for (int i = head; i >= 0; i = symbols[i].Next) output.Add(symbols[i].Id);

        void MergeAll()
        {
            while (queue.TryDequeue(out var top, out _))
            {
                var current = symbols[top.Pos];
                if (current.Removed || current.Next < 0) continue;
                var right = symbols[current.Next];
                // Stale entry: the pair at this position is no longer the one queued.
                if (!_merges.TryGetValue((current.Id, right.Id), out var m) || m.NewId != top.NewId) continue;

                int rightPos = current.Next;
                current.Id = top.NewId;
                current.Next = right.Next;
                symbols[top.Pos] = current;
                right.Removed = true;
                symbols[rightPos] = right;
                if (right.Next >= 0)
                {
                    var after = symbols[right.Next];
                    after.Prev = top.Pos;
                    symbols[right.Next] = after;
                }
                if (current.Prev >= 0 && _merges.TryGetValue((symbols[current.Prev].Id, current.Id), out var before))
                    queue.Enqueue(new MergeCandidate(current.Prev, before.NewId), (before.Rank, current.Prev));
                if (current.Next >= 0 && _merges.TryGetValue((current.Id, symbols[current.Next].Id), out var following))
                    queue.Enqueue(new MergeCandidate(top.Pos, following.NewId), (following.Rank, top.Pos));
            }
        }
    }
}
