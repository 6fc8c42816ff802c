using RelationNeurons.Models;
using RelationNeurons.Training;
using RelationNeurons.Randomness;

namespace RelationNeurons.Tests.Training;

public class TrainerTests
{
    private static LlamaConfig MicroConfig() => new()
    {
        HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = 24, MaxPositionEmbeddings = 32,
    };

    /// <summary>Six "facts" over a 24-token alphabet: BOS, relation token, subject, object, EOS.</summary>
    private static List<TrainingSequence> MicroFacts()
    {
        var data = new List<TrainingSequence>();
        for (int s = 0; s < 6; s++)
            data.Add(new TrainingSequence([1, 3, 4 + s, 12 + (s * 5) % 8, 2], [1f, 0f, 4f, 1f])); // the subject itself is unpredictable: no loss on it
        return data;
    }

    private static TrainerOptions MicroOptions(int steps) => new()
    {
        Steps = steps, BatchSize = 6, LearningRate = 1e-2, WarmupSteps = 5, MaxSequenceLength = 16, Seed = 7,
    };

    [Fact]
    public void MicroModelLearnsAHandfulOfFacts()
    {
        var trainer = new Trainer(MicroConfig(), MicroOptions(120), MicroFacts());
        double first = trainer.TrainStep().Loss;
        double last = first;
        while (!trainer.Done) last = trainer.TrainStep().Loss;
        // uniform guessing over 24 tokens costs ln 24 ≈ 3.18; the objects are a function of the subjects
        Assert.True(first > 2.5, $"initial loss {first}");
        Assert.True(last < 0.05, $"final loss {last} (first {first})");
        // and greedy recall of every object from BOS, relation, subject
        var model = trainer.Model;
        foreach (var seq in MicroFacts())
        {
            var act = model.Forward(new TokenBatch([TrainingSequence.Uniform(seq.Tokens[..3])]));
            var logits = act.Logits2D.Slice(2 * 24, 24);
            int best = 0;
            for (int i = 1; i < 24; i++) if (logits[i] > logits[best]) best = i;
            Assert.Equal(seq.Tokens[3], best);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameParametersBitForBit()
    {
        float[] Run()
        {
            var t = new Trainer(MicroConfig(), MicroOptions(8), MicroFacts());
            while (!t.Done) t.TrainStep();
            return t.Parameters.All.SelectMany(p => p.Value).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void ResumedRunEqualsUninterruptedRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rn-trainer-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = MicroOptions(10) with { BatchSize = 4 }; // 4 of 6: batches cross epoch boundaries
            var straight = new Trainer(MicroConfig(), options, MicroFacts());
            while (!straight.Done) straight.TrainStep();

            var first = new Trainer(MicroConfig(), options, MicroFacts());
            for (int i = 0; i < 4; i++) first.TrainStep();
            string path = Path.Combine(dir, "checkpoint.bin");
            Checkpoint.Save(path, first);

            var resumed = new Trainer(MicroConfig(), options, MicroFacts());
            Checkpoint.Load(path, resumed);
            Assert.Equal(4, resumed.Step);
            while (!resumed.Done) resumed.TrainStep();

            Assert.Equal(straight.Parameters.All.SelectMany(p => p.Value).ToArray(), resumed.Parameters.All.SelectMany(p => p.Value).ToArray());
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void CheckpointOfAnotherArchitectureIsRefused()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rn-trainer-" + Guid.NewGuid().ToString("N"));
        try
        {
            var t = new Trainer(MicroConfig(), MicroOptions(2), MicroFacts());
            string path = Path.Combine(dir, "checkpoint.bin");
            Checkpoint.Save(path, t);
            var other = new Trainer(MicroConfig() with { IntermediateSize = 48 }, MicroOptions(2), MicroFacts());
            var e = Assert.Throws<UserInputException>(() => Checkpoint.Load(path, other));
            Assert.Contains("architecture", e.Message);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void ScheduleWarmsUpThenDecaysToTheFloor()
    {
        var s = new LearningRateSchedule(1.0, 10, 110, 0.1);
        Assert.Equal(0.1, s.At(0), 12);
        Assert.Equal(1.0, s.At(9), 12);
        Assert.Equal(1.0, s.At(10), 12);
        Assert.Equal(0.55, s.At(60), 12);
        Assert.Equal(0.1, s.At(110), 12);
    }

    [Fact]
    public void ClippingScalesTheGlobalNorm()
    {
        var ps = new ParameterSet<float>(MicroConfig());
        ps.All[0].Grad[0] = 3; ps.All[1].Grad[5] = 4;
        double before = GradientClipping.Clip(ps, 1.0);
        Assert.Equal(5.0, before, 6);
        Assert.Equal(1.0, GradientClipping.GlobalNorm(ps), 5);
        Assert.Equal(0.6f, ps.All[0].Grad[0], 5);
    }

    [Fact]
    public void Float32ModelAgreesWithFloat64Model()
    {
        var config = MicroConfig();
        var f32 = new TrainableLlama<float>(config, 16);
        f32.Parameters.Initialize(new SplitMix64(3), 0.2);
        var f64 = new TrainableLlama<double>(config, 16);
        for (int p = 0; p < f32.Parameters.All.Count; p++)
            for (int i = 0; i < f32.Parameters.All[p].Length; i++) f64.Parameters.All[p].Value[i] = f32.Parameters.All[p].Value[i];
        var batch = new TokenBatch(MicroFacts());
        var a32 = f32.Forward(batch); var a64 = f64.Forward(batch);
        Assert.Equal(a64.Loss, a32.Loss, 4);
        var l32 = a32.Logits2D.ToArray(); var l64 = a64.Logits2D.ToArray();
        for (int i = 0; i < l32.Length; i++) Assert.True(Math.Abs(l32[i] - l64[i]) < 1e-4, $"logit {i}: {l32[i]} vs {l64[i]}");
    }
}
