using System.Text;
using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Tokenization.Training;

/// <summary>Knobs of <see cref="BpeTrainer"/>.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>Pairs seen fewer times than this are never merged (so training stops early on small text).</summary>
    public int MinPairFrequency { get; init; } = 2;

    /// <summary>Longest piece in characters, as SentencePiece's max_sentencepiece_length.</summary>
    public int MaxPieceLength { get; init; } = 16;

    /// <summary>
    /// No piece mixes writing systems, digits or punctuation (<see cref="ScriptClass"/>), as
    /// SentencePiece's split_by_unicode_script and split_by_number, both on by default there.
    /// </summary>
    public bool SplitByScript { get; init; } = true;
}

/// <summary>
/// Trains a SentencePiece-style BPE vocabulary (Llama-2 layout): &lt;unk&gt;=0, &lt;s&gt;=1,
/// &lt;/s&gt;=2, the 256 byte-fallback pieces, then merged pieces by decreasing score, then every
/// character of the training text. Words are the normalized text cut before each "▁", so pieces
/// carry "▁" only as a word prefix. Pair counts are updated incrementally (only the words that
/// contain the merged pair are revisited) and the best pair comes from a heap with lazy
/// invalidation; ties go to the pair of lower symbol ids, so training is deterministic.
/// </summary>
public static class BpeTrainer
{
    public const string Unknown = "<unk>";
    public const string Bos = "<s>";
    public const string Eos = "</s>";
    public const int ReservedCount = 3 + 256;

    public static SentencePieceModel Train(IEnumerable<string> texts, int vocabSize, BpeTrainerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new BpeTrainerOptions();
        if (options.MinPairFrequency < 1) throw new UserInputException($"BPE training: MinPairFrequency must be at least 1, got {options.MinPairFrequency}");
        if (options.MaxPieceLength < 2) throw new UserInputException($"BPE training: MaxPieceLength must be at least 2, got {options.MaxPieceLength}");

        var wordCounts = CountWords(texts);
        if (wordCounts.Count == 0) throw new UserInputException("BPE training: the training text is empty");

        // Characters, most frequent first (ordinal order on ties), are the base symbols.
        var charCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (word, count) in wordCounts)
            foreach (var rune in word.EnumerateRunes())
            {
                string c = rune.ToString();
                charCounts[c] = charCounts.GetValueOrDefault(c) + count;
            }
        var chars = charCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
        int mergeBudget = vocabSize - ReservedCount - chars.Count;
        if (mergeBudget < 0)
            throw new UserInputException($"BPE training: vocabulary size {vocabSize} is too small for {ReservedCount} reserved pieces and {chars.Count} distinct characters");

        var state = new MergeState(chars, wordCounts, options);
        var merged = state.Run(mergeBudget, cancellationToken);

        var pieces = new List<SentencePieceEntry>(ReservedCount + merged.Count + chars.Count)
        {
            new(Unknown, 0, PieceType.Unknown),
            new(Bos, 0, PieceType.Control),
            new(Eos, 0, PieceType.Control),
        };
        for (int b = 0; b < 256; b++) pieces.Add(new SentencePieceEntry(BytePieces.Name((byte)b), 0, PieceType.Byte));
        // Scores fall with merge order so that SentencePiece's score-ordered merging replays training.
        for (int i = 0; i < merged.Count; i++) pieces.Add(new SentencePieceEntry(merged[i], -i, PieceType.Normal));
        for (int i = 0; i < chars.Count; i++) pieces.Add(new SentencePieceEntry(chars[i], -(merged.Count + i), PieceType.Normal));

        return new SentencePieceModel
        {
            Pieces = pieces,
            ModelType = SentencePieceModelType.Bpe,
            ByteFallback = true,
            UnkId = 0,
            BosId = 1,
            EosId = 2,
            PadId = -1,
            NormalizerName = "identity",
            AddDummyPrefix = true,
            RemoveExtraWhitespaces = false,
            EscapeWhitespaces = true,
        };
    }

    /// <summary>Normalizes as the encoder will (dummy prefix, ' ' as "▁") and cuts before each "▁".</summary>
    private static Dictionary<string, long> CountWords(IEnumerable<string> texts)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (string raw in texts)
        {
            if (string.IsNullOrEmpty(raw)) continue;
            string text = SentencePieceNormalizer.ReplaceLoneSurrogates(raw);
            sb.Clear();
            sb.Append(SentencePieceNormalizer.SpaceSymbol);
            foreach (char c in text) sb.Append(c == ' ' ? SentencePieceNormalizer.SpaceSymbol : c);
            string normalized = sb.ToString();
            int start = 0;
            for (int i = 1; i <= normalized.Length; i++)
            {
                if (i < normalized.Length && normalized[i] != SentencePieceNormalizer.SpaceSymbol) continue;
                string word = normalized[start..i];
                counts[word] = counts.GetValueOrDefault(word) + 1;
                start = i;
            }
        }
        return counts;
    }

    /// <summary>The symbol table, the words as symbol sequences, and the pair statistics kept in step with them.</summary>
    private sealed class MergeState
    {
        private readonly List<string> _symbols = [];
        private readonly List<int> _symbolChars = [];
        private readonly Dictionary<string, int> _symbolIds = new(StringComparer.Ordinal);
        private readonly int[][] _words;
        private readonly long[] _wordCounts;
        private readonly Dictionary<long, long> _pairCounts = [];
        private readonly Dictionary<long, HashSet<int>> _pairWords = [];
        private readonly PriorityQueue<long, (long NegCount, long Key)> _heap = new();
        private readonly BpeTrainerOptions _options;
        private static readonly HashSet<string> Reserved = BuildReserved();

        public MergeState(List<string> chars, Dictionary<string, long> wordCounts, BpeTrainerOptions options)
        {
            _options = options;
            foreach (string c in chars) AddSymbol(c, 1);
            // Words in ordinal order so that every structure below is built the same way on every run.
            var ordered = wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
            _words = new int[ordered.Length][];
            _wordCounts = new long[ordered.Length];
            for (int w = 0; w < ordered.Length; w++)
            {
                var ids = new List<int>();
                foreach (var rune in ordered[w].Key.EnumerateRunes()) ids.Add(_symbolIds[rune.ToString()]);
                _words[w] = ids.ToArray();
                _wordCounts[w] = ordered[w].Value;
                AddPairs(w, +1);
            }
            foreach (var (key, count) in _pairCounts) _heap.Enqueue(key, (-count, key));
        }

        private static HashSet<string> BuildReserved()
        {
            var set = new HashSet<string>(StringComparer.Ordinal) { Unknown, Bos, Eos };
            for (int b = 0; b < 256; b++) set.Add(BytePieces.Name((byte)b));
            return set;
        }

        private int AddSymbol(string s, int chars)
        {
            int id = _symbols.Count;
            _symbols.Add(s);
            _symbolChars.Add(chars);
            _symbolIds.Add(s, id);
            return id;
        }

        private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

        private void AddPairs(int w, int sign, HashSet<long>? changed = null)
        {
            var word = _words[w];
            long delta = sign * _wordCounts[w];
            for (int i = 0; i + 1 < word.Length; i++)
            {
                long key = Key(word[i], word[i + 1]);
                _pairCounts[key] = _pairCounts.GetValueOrDefault(key) + delta;
                if (sign > 0)
                {
                    if (!_pairWords.TryGetValue(key, out var set)) _pairWords[key] = set = [];
                    set.Add(w);
                }
                changed?.Add(key);
            }
        }

        public List<string> Run(int budget, CancellationToken cancellationToken)
        {
            var created = new List<string>();
            var changed = new HashSet<long>();
            while (created.Count < budget && _heap.TryDequeue(out long key, out var priority))
            {
                cancellationToken.ThrowIfCancellationRequested();
                long count = _pairCounts.GetValueOrDefault(key);
                if (count != -priority.NegCount || count <= 0) continue; // stale heap entry
                if (count < _options.MinPairFrequency) break;
                int a = (int)(key >> 32), b = (int)(uint)key;
                string mergedText = _symbols[a] + _symbols[b];
                int mergedChars = _symbolChars[a] + _symbolChars[b];
                if (mergedChars > _options.MaxPieceLength || Reserved.Contains(mergedText)
                    || (_options.SplitByScript && !ScriptClass.CanJoin(_symbols[a], _symbols[b])))
                {
                    _pairCounts.Remove(key);
                    continue;
                }
                if (!_symbolIds.TryGetValue(mergedText, out int merged))
                {
                    merged = AddSymbol(mergedText, mergedChars);
                    created.Add(mergedText);
                }

                changed.Clear();
                int[] wordsWithPair = _pairWords.TryGetValue(key, out var where) ? where.ToArray() : [];
                Array.Sort(wordsWithPair);
                foreach (int w in wordsWithPair)
                {
                    if (!Contains(_words[w], a, b)) continue;
                    AddPairs(w, -1, changed);
                    _words[w] = Replace(_words[w], a, b, merged);
                    AddPairs(w, +1, changed);
                }
                _pairWords.Remove(key);
                foreach (long k in changed)
                {
                    long c = _pairCounts.GetValueOrDefault(k);
                    if (c > 0) _heap.Enqueue(k, (-c, k));
                    else { _pairCounts.Remove(k); _pairWords.Remove(k); }
                }
            }
            return created;
        }

        private static bool Contains(int[] word, int a, int b)
        {
            for (int i = 0; i + 1 < word.Length; i++) if (word[i] == a && word[i + 1] == b) return true;
            return false;
        }

        /// <summary>Replaces each non-overlapping occurrence of (a, b), left to right, by the merged symbol.</summary>
        private static int[] Replace(int[] word, int a, int b, int merged)
        {
            var result = new List<int>(word.Length);
            for (int i = 0; i < word.Length; i++)
            {
                if (i + 1 < word.Length && word[i] == a && word[i + 1] == b) { result.Add(merged); i++; }
                else result.Add(word[i]);
            }
            return result.ToArray();
        }
    }
}
