namespace RelationNeurons.Training;

/// <summary>One training sequence: token ids (BOS first) and a loss weight for predicting each next token.</summary>
/// <param name="Tokens">ids, BOS first; position t predicts Tokens[t+1]</param>
/// <param name="TargetWeights">length Tokens.Length − 1; weight of the prediction of Tokens[t+1] (0 = not trained on)</param>
public sealed record TrainingSequence(int[] Tokens, float[] TargetWeights)
{
    public static TrainingSequence Uniform(int[] tokens)
    {
        var w = new float[Math.Max(0, tokens.Length - 1)];
        Array.Fill(w, 1f);
        return new TrainingSequence(tokens, w);
    }
}

/// <summary>
/// Sequences packed row after row without padding: row r is one input token; Targets[r] is the next
/// token (−1 for the last token of a sequence); attention never crosses sequence boundaries.
/// </summary>
public sealed class TokenBatch
{
    public int[] Inputs { get; }
    public int[] Targets { get; }
    public float[] Weights { get; }
    public int[] Positions { get; }
    public int[] Starts { get; }
    public int[] Lengths { get; }
    public int Rows => Inputs.Length;

    public TokenBatch(IReadOnlyList<TrainingSequence> sequences)
    {
        int rows = sequences.Sum(s => s.Tokens.Length);
        Inputs = new int[rows]; Targets = new int[rows]; Weights = new float[rows]; Positions = new int[rows];
        Starts = new int[sequences.Count]; Lengths = new int[sequences.Count];
        int r = 0;
        for (int s = 0; s < sequences.Count; s++)
        {
            var seq = sequences[s];
            if (seq.Tokens.Length == 0) throw new ArgumentException("empty sequence");
            if (seq.TargetWeights.Length != seq.Tokens.Length - 1) throw new ArgumentException("target weights must have one entry per next-token prediction");
            Starts[s] = r; Lengths[s] = seq.Tokens.Length;
            for (int t = 0; t < seq.Tokens.Length; t++, r++)
            {
                Inputs[r] = seq.Tokens[t];
                Positions[r] = t;
                bool last = t == seq.Tokens.Length - 1;
                Targets[r] = last ? -1 : seq.Tokens[t + 1];
                Weights[r] = last ? 0f : seq.TargetWeights[t];
            }
        }
    }

    /// <summary>Number of rows that carry a loss.</summary>
    public int TrainedTokens => Weights.Count(w => w > 0);
}
