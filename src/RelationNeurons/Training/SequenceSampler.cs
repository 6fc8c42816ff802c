using RelationNeurons.Randomness;

namespace RelationNeurons.Training;

/// <summary>
/// Draws batches by walking a seeded permutation of all sequences, reshuffling at each epoch end.
/// Its state (permutation, cursor, epoch, generator word) goes into checkpoints, so a resumed run
/// sees exactly the batches the uninterrupted run would have seen.
/// </summary>
public sealed class SequenceSampler
{
    private readonly int _count;
    public SplitMix64 Rng { get; }
    public int[] Order { get; private set; }
    public int Cursor { get; private set; }
    public int Epoch { get; private set; }

    public SequenceSampler(int count, ulong seed)
    {
        if (count <= 0) throw new ArgumentException("no training sequences");
        _count = count;
        Rng = SplitMix64.Derive(seed, 2);
        Order = Enumerable.Range(0, count).ToArray();
        Rng.Shuffle(Order.AsSpan());
    }

    public int[] Next(int batchSize)
    {
        var picked = new int[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            if (Cursor == _count)
            {
                Rng.Shuffle(Order.AsSpan());
                Cursor = 0;
                Epoch++;
            }
            picked[i] = Order[Cursor++];
        }
        return picked;
    }

    public void Restore(int[] order, int cursor, int epoch, ulong rngState)
    {
        if (order.Length != _count) throw new UserInputException($"checkpoint was made for {order.Length} training sequences, this corpus has {_count}");
        Order = order; Cursor = cursor; Epoch = epoch; Rng.State = rngState;
    }
}
