using RelationNeurons.Hooks;
namespace RelationNeurons.Inference;

/// <summary>
/// Activation buffers of one forward step, grown (never shrunk) to the largest batch seen so that
/// decoding allocates nothing per token. Not thread-safe: one workspace per concurrent call.
/// </summary>
internal sealed class Workspace
{
    public float[] Residual = [];
    public float[] Normed = [];
    public float[] Q = [];
    public float[] K = [];
    public float[] V = [];
    public float[] Attention = [];
    public float[] Projection = [];
    public float[] Gate = [];
    public float[] Up = [];
    public float[] Scores = [];
    public float[] HeadInput = [];
    public float[] Logits = [];
    public int[] LogitRows = [];
    /// <summary>Reused by every generation group run with this workspace.</summary>
    public readonly KvCache Cache = new();
    /// <summary>A step resumed from a prefix cache: the state assembled per row before the resumed pass.</summary>
    public float[] SavedResidual = [];
    public float[] SavedUp = [];
    /// <summary>A step resumed from a prefix cache: the rows the cache does not hold, run up to the resume point.</summary>
    public readonly BatchLayout SubLayout = new();
    public int[] SubTokens = [];

    public void Ensure(Models.LlamaConfig c, int rows, int attentionItems, int maxContext)
    {
        Grow(ref Residual, (long)rows * c.HiddenSize);
        Grow(ref Normed, (long)rows * c.HiddenSize);
        Grow(ref Q, (long)rows * c.QueryWidth);
        Grow(ref K, (long)rows * c.KeyValueWidth);
        Grow(ref V, (long)rows * c.KeyValueWidth);
        Grow(ref Attention, (long)rows * c.QueryWidth);
        Grow(ref Projection, (long)rows * c.HiddenSize);
        Grow(ref Gate, (long)rows * c.IntermediateSize);
        Grow(ref Up, (long)rows * c.IntermediateSize);
        Grow(ref Scores, (long)attentionItems * maxContext);
    }

    public void EnsureLogits(Models.LlamaConfig c, int rows)
    {
        Grow(ref HeadInput, (long)rows * c.HiddenSize);
        Grow(ref Logits, (long)rows * c.VocabSize);
        if (LogitRows.Length < rows) LogitRows = new int[rows];
    }

    public void EnsureSaved(Models.LlamaConfig c, int rows, bool withUp)
    {
        Grow(ref SavedResidual, (long)rows * c.HiddenSize);
        if (withUp) Grow(ref SavedUp, (long)rows * c.IntermediateSize);
    }

    private static void Grow(ref float[] buffer, long length)
    {
        if (buffer.Length >= length) return;
        if (length > Array.MaxLength) throw new UserInputException($"batch too large: a buffer of {length} floats is needed; lower the batch size");
        buffer = new float[length];
    }
}
