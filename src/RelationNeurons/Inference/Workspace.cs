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

    private static void Grow(ref float[] buffer, long length)
    {
        if (buffer.Length >= length) return;
        if (length > Array.MaxLength) throw new UserInputException($"batch too large: a buffer of {length} floats is needed; lower the batch size");
        buffer = new float[length];
    }
}
