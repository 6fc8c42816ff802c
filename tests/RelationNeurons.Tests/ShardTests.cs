namespace RelationNeurons.Tests;

public sealed class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/8", 3, 8)]
    [InlineData(" 1 / 2 ", 1, 2)]
    public void ParsesIOfN(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("2/2")]
    [InlineData("-1/2")]
    [InlineData("0/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void RefusesAnythingElse(string text) => Assert.Throws<UserInputException>(() => Shard.Parse(text));

    /// <summary>Every item in exactly one shard, in order, shares differing by at most one: what the merges rely on.</summary>
    [Fact]
    public void SharesCoverEveryItemOnceInOrder()
    {
        for (int items = 0; items <= 40; items++)
            for (int n = 1; n <= 9; n++)
            {
                var shares = Enumerable.Range(0, n).Select(i => new Shard(i, n).Range(items)).ToList();
                Assert.Equal(0, shares[0].Start);
                for (int i = 1; i < n; i++) Assert.Equal(shares[i - 1].Start + shares[i - 1].Length, shares[i].Start);
                Assert.Equal(items, shares.Sum(s => s.Length));
                Assert.True(shares.Max(s => s.Length) - shares.Min(s => s.Length) <= 1, $"{items} items, {n} shards");
            }
    }

    [Fact]
    public void WeightedSharesCoverEveryItemOnceAndBalanceTheWeight()
    {
        var rng = new Random(19);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = rng.Next(1, 9);
            var weights = Enumerable.Range(0, rng.Next(0, 60)).Select(_ => (long)rng.Next(1, 1000)).ToArray();
            var shares = Enumerable.Range(0, n).Select(i => new Shard(i, n).Range(weights)).ToList();
            Assert.Equal(0, shares[0].Start);
            for (int i = 1; i < n; i++) Assert.Equal(shares[i - 1].Start + shares[i - 1].Length, shares[i].Start);
            Assert.Equal(weights.Length, shares.Sum(s => s.Length));
            // A share carries at most its fair part plus the one item that crosses its end.
            long total = weights.Sum();
            foreach (var (start, length) in shares)
                Assert.True(weights.Skip(start).Take(length).Sum() <= total / n + weights.Skip(start).Take(length).DefaultIfEmpty().Max() + 1);
        }
        // One heavy item first (the clean condition), many light ones: the heavy one gets a shard to itself.
        long[] skewed = [1000, .. Enumerable.Repeat(10L, 100)];
        Assert.Equal((0, 1), new Shard(0, 2).Range(skewed));
        Assert.Equal((1, 100), new Shard(1, 2).Range(skewed));
    }
}
