namespace RelationNeurons.Inference;

/// <summary>
/// The clean model's state at every position of one token path (a prompt, then the generated
/// tokens the clean run fed back): per kept layer the residual entering it, the residual after
/// attention and the MLP activations, and the keys/values of every layer up to the last kept one.
/// Rows are positions; all arrays hold <see cref="Length"/> rows once finished.
/// </summary>
internal sealed class PrefixEntry
{
    public PrefixEntry(int[] prompt, int capacity, int keptLayers, int kvLayers, int hidden, int ff, int kvWidth)
    {
        Prompt = prompt;
        Tokens = new int[capacity];
        prompt.CopyTo(Tokens, 0);
        Length = prompt.Length;
        ResidPre = Alloc(keptLayers, capacity * hidden);
        ResidMid = Alloc(keptLayers, capacity * hidden);
        MlpPost = Alloc(keptLayers, capacity * ff);
        Keys = Alloc(kvLayers, capacity * kvWidth);
        Values = Alloc(kvLayers, capacity * kvWidth);
    }

    public int[] Prompt { get; }
    /// <summary>The token at each stored position (the prompt, then the fed generated tokens).</summary>
    public int[] Tokens { get; private set; }
    public int Length { get; private set; }
    /// <summary>[kept layer index] → [positions × hidden].</summary>
    public float[][] ResidPre { get; private set; }
    public float[][] ResidMid { get; private set; }
    /// <summary>[kept layer index] → [positions × d_ff], silu(gate)·up.</summary>
    public float[][] MlpPost { get; private set; }
    /// <summary>[layer] → [positions × kv width], keys after RoPE.</summary>
    public float[][] Keys { get; private set; }
    public float[][] Values { get; private set; }

    public long Bytes =>
        sizeof(float) * (Sum(ResidPre) + Sum(ResidMid) + Sum(MlpPost) + Sum(Keys) + Sum(Values)) + sizeof(int) * (long)Tokens.Length;

    /// <summary>Whether position <paramref name="position"/> holds <paramref name="token"/> (the path is followed).</summary>
    public bool Follows(int position, int token) => position < Length && Tokens[position] == token;

    /// <summary>Sets the path's length to the positions fed (prompt + fed generated tokens) and trims the arrays to it.</summary>
    public void Finish(ReadOnlySpan<int> fedGenerated, int hidden, int ff, int kvWidth)
    {
        fedGenerated.CopyTo(Tokens.AsSpan(Prompt.Length));
        Length = Prompt.Length + fedGenerated.Length;
        Tokens = Tokens[..Length];
        ResidPre = Trim(ResidPre, Length * hidden);
        ResidMid = Trim(ResidMid, Length * hidden);
        MlpPost = Trim(MlpPost, Length * ff);
        Keys = Trim(Keys, Length * kvWidth);
        Values = Trim(Values, Length * kvWidth);
    }

    private static float[][] Alloc(int count, int length)
    {
        var a = new float[count][];
        for (int i = 0; i < count; i++) a[i] = new float[length];
        return a;
    }

    private static float[][] Trim(float[][] arrays, int length)
    {
        for (int i = 0; i < arrays.Length; i++)
            if (arrays[i].Length != length) arrays[i] = arrays[i][..length];
        return arrays;
    }

    private static long Sum(float[][] arrays)
    {
        long n = 0;
        foreach (var a in arrays) n += a.Length;
        return n;
    }
}
