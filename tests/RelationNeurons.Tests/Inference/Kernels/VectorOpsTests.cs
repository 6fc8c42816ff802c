using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Tests.Inference.Kernels;

public class VectorOpsTests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var d = new TheoryData<SimdLevel> { SimdLevel.Scalar };
        if (KernelOptions.HardwareLevel >= SimdLevel.Vector256) d.Add(SimdLevel.Vector256);
        if (KernelOptions.HardwareLevel >= SimdLevel.Vector512) d.Add(SimdLevel.Vector512);
        return d;
    }

    private static readonly int[] Lengths = [0, 1, 7, 8, 15, 16, 17, 33, 63, 64, 65, 130, 1000];

    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>Distance in units in the last place between two finite floats.</summary>
    internal static long Ulps(float a, float b)
    {
        int ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        long la = ia < 0 ? int.MinValue - (long)ia : ia, lb = ib < 0 ? int.MinValue - (long)ib : ib;
        return Math.Abs(la - lb);
    }

    [Theory, MemberData(nameof(Levels))]
    public void RmsNormMatchesDoubleReference(SimdLevel level)
    {
        foreach (int n in Lengths.Where(n => n > 0))
        {
            var x = Random(n, n, 3f);
            var w = Random(n, n + 1);
            var y = new float[n];
            VectorOps.RmsNorm(x, w, 1e-5f, y, level);
            double ms = x.Sum(v => (double)v * v) / n;
            double r = 1 / Math.Sqrt(ms + 1e-5);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(y[i] - w[i] * x[i] * r) <= 1e-6 * Math.Max(1, Math.Abs(w[i] * x[i] * r)), $"n={n} i={i}");
        }
    }

    [Fact]
    public void RmsNormAppliesWeightAfterRoundingTheNormalisedValue()
    {
        // HF order: h = x·r rounded to float32, then weight·h; y must equal that exactly per element.
        var x = Random(37, 5, 10f);
        var w = Random(37, 6, 2f);
        var y = new float[37];
        VectorOps.RmsNorm(x, w, 1e-6f, y, SimdLevel.Scalar);
        float ss = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0; int i = 0;
        for (; i <= 33; i += 4) { s0 += x[i] * x[i]; s1 += x[i + 1] * x[i + 1]; s2 += x[i + 2] * x[i + 2]; s3 += x[i + 3] * x[i + 3]; }
        ss = (s0 + s1) + (s2 + s3);
        for (; i < 37; i++) ss += x[i] * x[i];
        float r = 1f / MathF.Sqrt(ss / 37 + 1e-6f);
        for (int j = 0; j < 37; j++) Assert.Equal(w[j] * (x[j] * r), y[j]);
    }

    [Theory, MemberData(nameof(Levels))]
    public void SiluMulIsAccurateToAFewUlps(SimdLevel level)
    {
        // Wide input range to exercise exp over/underflow paths; up = 1 isolates SiLU itself.
        int n = 4001;
        var g = new float[n];
        for (int i = 0; i < n; i++) g[i] = -100f + 200f * i / (n - 1);
        g[0] = -88.5f; g[1] = 88.5f; g[2] = 0f; g[3] = -0f; g[4] = 1e-30f;
        var up = Enumerable.Repeat(1f, n).ToArray();
        var y = new float[n];
        VectorOps.SiluMul(g, up, y, level);
        for (int i = 0; i < n; i++)
        {
            double gd = g[i];
            float expect = (float)(gd / (1 + Math.Exp(-gd)));
            Assert.True(Ulps(expect, y[i]) <= 3 || Math.Abs(expect - y[i]) < 1e-30, $"g={g[i]} got {y[i]} want {expect}");
        }
        var up2 = Random(n, 9);
        var y2 = new float[n];
        VectorOps.SiluMul(g, up2, y2, level);
        for (int i = 0; i < n; i++) Assert.Equal(y[i] * up2[i], y2[i]);
    }

    /// <summary>PyTorch's gelu(approximate="tanh") in float64: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    private static double GeluTanhReference(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    [Theory, MemberData(nameof(Levels))]
    public void GeluTanhMulMatchesPyTorchsFormula(SimdLevel level)
    {
        // The kernel computes x / (1 + exp(-2u)), the same function as 0.5·x·(1 + tanh(u)).
        int n = 4001;
        var g = new float[n];
        for (int i = 0; i < n; i++) g[i] = -30f + 60f * i / (n - 1);
        g[0] = -1e20f; g[1] = 1e20f; g[2] = 0f; g[3] = -0f; g[4] = 1e-30f; g[5] = -3e13f;
        var up = Enumerable.Repeat(1f, n).ToArray();
        var y = new float[n];
        VectorOps.GeluTanhMul(g, up, y, level);
        for (int i = 0; i < n; i++)
        {
            double want = GeluTanhReference(g[i]);
            Assert.True(Math.Abs(want - y[i]) <= 4e-7 * Math.Max(1, Math.Abs(want)), $"g={g[i]} got {y[i]} want {want}");
            Assert.False(float.IsNaN(y[i]), $"g={g[i]} gives NaN");
        }
        var up2 = Random(n, 9);
        var y2 = new float[n];
        VectorOps.GeluTanhMul(g, up2, y2, level);
        for (int i = 0; i < n; i++) Assert.Equal(y[i] * up2[i], y2[i]);
        // Every level gives the scalar path's bits (rows keep their results whatever the batch's tail).
        var scalar = new float[n];
        VectorOps.GeluTanhMul(g, up2, scalar, SimdLevel.Scalar);
        Assert.Equal(scalar, y2);
    }

    [Fact]
    public void GeluTanhMulSplitOverThreadsIsBitIdenticalToOneCall()
    {
        var rng = new Random(6);
        int n = 3 * 16384 + 7;
        var g = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        var up = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var whole = new float[n];
        VectorOps.GeluTanhMul(g, up, whole);
        var split = (float[])up.Clone();
        VectorOps.GeluTanhMulParallel(g, split, split);
        Assert.Equal(whole, split);
    }

    [Theory, MemberData(nameof(Levels))]
    public void ExpIsWithinOneUlpOfCorrectlyRounded(SimdLevel level)
    {
        var r = new Random(3);
        int n = 20000;
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(r.NextDouble() * 174 - 87);
        x[0] = 0; x[1] = -87.3f; x[2] = 88.7f; x[3] = 1e-8f; x[4] = -1e-8f;
        var y = new float[n];
        VectorOps.Exp(x, y, level);
        for (int i = 0; i < n; i++)
        {
            float want = (float)Math.Exp(x[i]);
            Assert.True(Ulps(want, y[i]) <= 1, $"x={x[i]} got {y[i]} want {want}");
        }
        var big = new float[] { 100f, -100f, float.NegativeInfinity, float.PositiveInfinity, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        var by = new float[big.Length];
        VectorOps.Exp(big, by, level);
        Assert.Equal(float.PositiveInfinity, by[0]);
        Assert.Equal((float)Math.Exp(-100), by[1]);
        Assert.Equal(0f, by[2]);
        Assert.Equal(float.PositiveInfinity, by[3]);
    }

    [Theory, MemberData(nameof(Levels))]
    public void SoftmaxMatchesReferenceAndSumsToOne(SimdLevel level)
    {
        foreach (int n in Lengths.Where(n => n > 0))
        {
            var x = Random(n, n * 7, 30f);
            if (n > 3) x[2] = float.NegativeInfinity; // causal mask entry
            var s = (float[])x.Clone();
            VectorOps.SoftmaxInPlace(s, level);
            float max = x.Max();
            double sum = x.Sum(v => Math.Exp(v - max));
            for (int i = 0; i < n; i++)
            {
                double want = Math.Exp(x[i] - max) / sum;
                Assert.True(Math.Abs(s[i] - want) <= 1e-6 * want + 1e-38, $"n={n} i={i} {s[i]} vs {want}");
            }
            if (n > 3) Assert.Equal(0f, s[2]);
            Assert.Equal(1.0, s.Sum(v => (double)v), 5);
        }
    }

    [Theory, MemberData(nameof(Levels))]
    public void SoftmaxIsShiftInvariantForLargeValues(SimdLevel level)
    {
        var x = new float[] { 1000f, 999f, 998f, 1000f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f };
        VectorOps.SoftmaxInPlace(x, level);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(x[0], x[3]);
        Assert.True(x[0] > 0.39f && x[0] < 0.41f);
    }

    [Theory, MemberData(nameof(Levels))]
    public void DotAxpyAddScaleMatchReferences(SimdLevel level)
    {
        foreach (int n in Lengths)
        {
            var a = Random(n, n + 11);
            var b = Random(n, n + 12);
            double dref = 0;
            for (int i = 0; i < n; i++) dref += (double)a[i] * b[i];
            Assert.True(Math.Abs(VectorOps.Dot(a, b, level) - dref) <= 1e-5 * Math.Max(1, n), $"dot n={n}");

            var y = (float[])b.Clone();
            VectorOps.Axpy(0.37f, a, y, level);
            for (int i = 0; i < n; i++) Assert.Equal(MathF.FusedMultiplyAdd(0.37f, a[i], b[i]), y[i]);

            var z = new float[n];
            VectorOps.Add(a, b, z, level);
            for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], z[i]);

            var s = (float[])a.Clone();
            VectorOps.Scale(s, -1.5f, level);
            for (int i = 0; i < n; i++) Assert.Equal(a[i] * -1.5f, s[i]);
        }
    }

    [Fact]
    public void AddMayAliasItsOutput()
    {
        var a = Random(40, 1);
        var b = Random(40, 2);
        var expect = a.Zip(b, (p, q) => p + q).ToArray();
        VectorOps.Add(a, b, a);
        Assert.Equal(expect, a);
    }

    [Fact]
    public void LengthMismatchThrows()
    {
        Assert.Throws<ArgumentException>(() => VectorOps.Dot(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => VectorOps.SiluMul(new float[3], new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => VectorOps.RmsNorm(new float[3], new float[2], 1e-5f, new float[3]));
    }

    [Fact]
    public void SiluMulSplitOverThreadsIsBitIdenticalToOneCall()
    {
        var rng = new Random(5);
        int n = 3 * 16384 + 7; // several chunks and a tail that is not a whole vector
        var g = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        var up = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var whole = new float[n];
        VectorOps.SiluMul(g, up, whole);
        var split = (float[])up.Clone();
        VectorOps.SiluMulParallel(g, split, split); // in place, as the forward pass calls it
        Assert.Equal(whole, split);
    }
}
