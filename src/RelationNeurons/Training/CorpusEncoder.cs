using RelationNeurons.Tokenization;

namespace RelationNeurons.Training;

/// <summary>
/// Turns documents into training sequences: BOS + tokens + EOS, every next-token prediction
/// weighted 1 except those of tokens inside an answer span, weighted <c>answerWeight</c> (the
/// recall the demo must show lives in those few tokens).
/// </summary>
public static class CorpusEncoder
{
    public sealed record Result(List<TrainingSequence> Sequences, int Dropped, long Tokens);

    public static Result Encode(IReadOnlyList<CorpusDocument> docs, ITokenizer tokenizer, int maxLength, float answerWeight)
    {
        var sequences = new TrainingSequence[docs.Count];
        int eos = tokenizer.EosIds.Count > 0 ? tokenizer.EosIds[0] : -1;
        Parallel.For(0, docs.Count, i =>
        {
            var doc = docs[i];
            int[] body = tokenizer.Encode(doc.Text, addBos: false);
            var tokens = new List<int>(body.Length + 2) { tokenizer.BosId };
            tokens.AddRange(body);
            if (eos >= 0) tokens.Add(eos);
            if (tokens.Count > maxLength) return;
            var weights = new float[tokens.Count - 1];
            Array.Fill(weights, 1f);
            if (doc.AnswerSpans.Count > 0)
            {
                // token t of the body covers characters [ends[t-1], ends[t]) of the decoded text
                var ends = new int[body.Length];
                for (int t = 0; t < body.Length; t++) ends[t] = tokenizer.Decode(body.AsSpan(0, t + 1)).Length;
                for (int t = 0; t < body.Length; t++)
                {
                    int start = t == 0 ? 0 : ends[t - 1];
                    foreach (var span in doc.AnswerSpans)
                        if (start < span.End && ends[t] > span.Start) { weights[t] = answerWeight; break; } // prediction of body[t] happens at row t (row 0 = BOS)
                }
            }
            sequences[i] = new TrainingSequence(tokens.ToArray(), weights);
        });
        var kept = sequences.Where(s => s is not null).ToList();
        return new Result(kept, docs.Count - kept.Count, kept.Sum(s => (long)s.Tokens.Length));
    }
}
