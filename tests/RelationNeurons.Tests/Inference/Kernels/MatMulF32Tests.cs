using RelationNeurons.Inference.Kernels;

namespace RelationNeurons.Tests.Inference.Kernels;

public class MatMulF32Tests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var d = new TheoryData<SimdLevel>();
        foreach (var l in MatMulTests.Levels()) d.Add(l);
        return d;
    }

    private static readonly (int M, int N, int K)[] Shapes =
        [(1, 1, 1), (1, 17, 5), (3, 16, 7), (7, 33, 9), (6, 64, 3), (13, 70, 21), (50, 130, 11), (2, 5, 0)];

    private enum Kind { NT, NN, TN }

    // a(i,p), b(p,j) in each layout; the double reference and a |a||b| bound per element.
    private static (float[] Want, float[] Bound) Reference(Kind kind, float[] a, float[] b, int m, int n, int k)
    {
        var want = new float[m * n];
        var bound = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, t = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = kind == Kind.TN ? a[p * m + i] : a[i * k + p];
                    double bv = kind == Kind.NT ? b[j * k + p] : b[p * n + j];
                    s += av * bv; t += Math.Abs(av * bv);
                }
                want[i * n + j] = (float)s; bound[i * n + j] = (float)t;
            }
        return (want, bound);
    }

    private static void Run(Kind kind, float[] a, float[] b, float[] c, int m, int n, int k, bool acc, SimdLevel level, int threads)
    {
        switch (kind)
        {
            case Kind.NT: MatMulF32.MultiplyNT(a, b, c, m, n, k, acc, level, threads); break;
            case Kind.NN: MatMulF32.MultiplyNN(a, b, c, m, n, k, acc, level, threads); break;
            default: MatMulF32.MultiplyTN(a, b, c, m, n, k, acc, level, threads); break;
        }
    }

    [Theory, MemberData(nameof(Levels))]
    public void AllLayoutsMatchDoubleReference(SimdLevel level)
    {
        foreach (var kind in new[] { Kind.NT, Kind.NN, Kind.TN })
            foreach (var (m, n, k) in Shapes)
            {
                var a = MatMulTests.Random(m * k, m + k);
                var b = MatMulTests.Random(n * k, n * 3 + k);
                var (want, bound) = Reference(kind, a, b, m, n, k);
                var c = Enumerable.Repeat(5f, m * n).ToArray();
                Run(kind, a, b, c, m, n, k, false, level, 2);
                for (int i = 0; i < c.Length; i++)
                    Assert.True(Math.Abs(c[i] - want[i]) <= 1e-6f * (bound[i] + 1) * Math.Max(1, k / 4), $"{kind} {level} {m}x{n}x{k} i={i}: {c[i]} vs {want[i]}");

                var c0 = MatMulTests.Random(m * n, 77);
                var c1 = (float[])c0.Clone();
                Run(kind, a, b, c1, m, n, k, true, level, 2);
                for (int i = 0; i < c1.Length; i++) Assert.Equal(c0[i] + c[i], c1[i]);
            }
    }

    [Theory, MemberData(nameof(Levels))]
    public void ResultsDoNotDependOnThreadsOrLevel(SimdLevel level)
    {
        const int m = 61, n = 75, k = 90; // ≥ 2^18 multiply-adds: multi-threaded
        foreach (var kind in new[] { Kind.NT, Kind.NN, Kind.TN })
        {
            var a = MatMulTests.Random(m * k, 1);
            var b = MatMulTests.Random(n * k, 2);
            var one = new float[m * n];
            Run(kind, a, b, one, m, n, k, false, SimdLevel.Scalar, 1);
            foreach (int threads in new[] { 1, 2, 5 })
            {
                var c = new float[m * n];
                Run(kind, a, b, c, m, n, k, false, level, threads);
                Assert.Equal(MatMulTests.Bits(one), MatMulTests.Bits(c));
            }
        }
    }

    [Theory, MemberData(nameof(Levels))]
    public void KChunkedOuterProductsKeepTheSingleChainResult(SimdLevel level)
    {
        const int m = 13, n = 70, k = 600; // k > OuterKChunk, several row tiles per block
        Assert.True(MatMulF32.OuterKChunk is > 0 and < k);
        foreach (var kind in new[] { Kind.NN, Kind.TN })
        {
            var a = MatMulTests.Random(m * k, 21);
            var b = MatMulTests.Random(n * k, 22);
            var scalar = new float[m * n];
            Run(kind, a, b, scalar, m, n, k, false, SimdLevel.Scalar, 1);
            var (want, bound) = Reference(kind, a, b, m, n, k);
            for (int i = 0; i < scalar.Length; i++) Assert.True(Math.Abs(scalar[i] - want[i]) <= 1e-5f * (bound[i] + 1));
            foreach (int threads in new[] { 1, 2 })
            {
                var c = MatMulTests.Random(m * n, 23);
                var expect = c.Zip(scalar, (x, y) => x + y).ToArray();
                Run(kind, a, b, c, m, n, k, true, level, threads);
                Assert.Equal(MatMulTests.Bits(expect), MatMulTests.Bits(c));
            }
        }
    }

    [Fact]
    public void RejectsShortBuffers()
    {
        Assert.Throws<ArgumentException>(() => MatMulF32.MultiplyNN(new float[5], new float[6], new float[4], 2, 2, 3, false));
        Assert.Throws<ArgumentException>(() => MatMulF32.MultiplyTN(new float[6], new float[5], new float[4], 2, 2, 3, false));
        Assert.Throws<ArgumentException>(() => MatMulF32.MultiplyNT(new float[6], new float[6], new float[3], 2, 2, 3, false));
    }
}
