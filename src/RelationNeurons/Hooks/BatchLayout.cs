namespace RelationNeurons.Hooks;

/// <summary>
/// How the rows of one forward step are laid out. Sequences are packed one after another (no
/// padding): sequence <c>s</c> owns rows [RowStart(s), RowStart(s) + RowCountOf(s)), and those rows
/// are its positions PastLength(s), PastLength(s)+1, ... A prefill step holds whole prompts
/// (PastLength 0); a decode step holds one new row per still-running sequence.
/// The engine reuses the object between steps: read it inside a hook call, do not keep it.
/// </summary>
public sealed class BatchLayout
{
    private int[] _rowStart = new int[1];
    private int[] _past = [];
    private int[] _sequenceIndex = [];
    private int[] _cacheSlot = [];
    private int[] _rowSequence = [];

    /// <summary>Number of sequences in this step.</summary>
    public int SequenceCount { get; private set; }
    /// <summary>Total rows (tokens) in this step.</summary>
    public int RowCount { get; private set; }
    /// <summary>True for the step that processes whole prompts; false for one-token decode steps.</summary>
    public bool IsPrefill { get; private set; }
    /// <summary>0 for prefill, then 1, 2, ... for each generated-token step.</summary>
    public int DecodeStep { get; private set; }
    /// <summary>
    /// A prefill step whose one sequence is the token prefix that every prompt of the next prefill
    /// step starts with (its <see cref="SequenceIndex"/> is the first of those prompts, so a reader
    /// can look up per-prompt facts such as a leading BOS); those prompts then hold only their own
    /// tokens, at positions from <see cref="PastLength"/> = the prefix length. Only
    /// <see cref="Hooks.ISharedPrefixReader"/>s ever see such steps.
    /// </summary>
    public bool IsSharedPrefix { get; private set; }

    /// <summary>The caller's index of batch sequence <paramref name="s"/> (its index in the prompt list).</summary>
    public int SequenceIndex(int s) => _sequenceIndex[s];
    public int RowStart(int s) => _rowStart[s];
    public int RowCountOf(int s) => _rowStart[s + 1] - _rowStart[s];
    /// <summary>Tokens of sequence <paramref name="s"/> already processed before this step.</summary>
    public int PastLength(int s) => _past[s];
    /// <summary>The batch sequence a row belongs to.</summary>
    public int SequenceOfRow(int row) => _rowSequence[row];
    /// <summary>The absolute position (0 = first prompt token) of a row inside its sequence.</summary>
    public int PositionOfRow(int row)
    {
        int s = _rowSequence[row];
        return _past[s] + row - _rowStart[s];
    }

    internal int CacheSlot(int s) => _cacheSlot[s];

    /// <summary>Largest position any row reaches, plus one.</summary>
    internal int MaxContext
    {
        get
        {
            int max = 0;
            for (int s = 0; s < SequenceCount; s++) max = Math.Max(max, _past[s] + RowCountOf(s));
            return max;
        }
    }

    internal void Begin(bool prefill, int decodeStep, bool sharedPrefix = false)
    {
        IsPrefill = prefill; DecodeStep = decodeStep; IsSharedPrefix = sharedPrefix; SequenceCount = 0; RowCount = 0;
        _rowStart[0] = 0;
    }

    /// <summary>
    /// Starts a prefill step of prompts [<paramref name="first"/>, first + count) in cache slots
    /// 0..count−1, each from position <paramref name="skip"/> (the tokens before it are shared or
    /// cached); returns the step's tokens, packed in the same order.
    /// </summary>
    internal int[] BeginPrefill(IReadOnlyList<int[]> prompts, int first, int count, int skip = 0)
    {
        Begin(prefill: true, decodeStep: 0);
        int tokenCount = 0;
        for (int i = first; i < first + count; i++) tokenCount += prompts[i].Length - skip;
        var tokens = new int[tokenCount];
        for (int i = first, at = 0; i < first + count; i++)
        {
            int rows = prompts[i].Length - skip;
            Add(i, i - first, skip, rows);
            prompts[i].AsSpan(skip).CopyTo(tokens.AsSpan(at));
            at += rows;
        }
        return tokens;
    }

    internal void Add(int sequenceIndex, int cacheSlot, int pastLength, int rows)
    {
        int s = SequenceCount;
        if (s + 1 >= _rowStart.Length)
        {
            int capacity = Math.Max(4, _rowStart.Length * 2);
            Array.Resize(ref _rowStart, capacity + 1);
            Array.Resize(ref _past, capacity);
            Array.Resize(ref _sequenceIndex, capacity);
            Array.Resize(ref _cacheSlot, capacity);
        }
        if (RowCount + rows > _rowSequence.Length) Array.Resize(ref _rowSequence, Math.Max(RowCount + rows, _rowSequence.Length * 2));
        _sequenceIndex[s] = sequenceIndex;
        _cacheSlot[s] = cacheSlot;
        _past[s] = pastLength;
        for (int r = 0; r < rows; r++) _rowSequence[RowCount + r] = s;
        RowCount += rows;
        _rowStart[s + 1] = RowCount;
        SequenceCount = s + 1;
    }
}
