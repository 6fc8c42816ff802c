using System.Buffers.Binary;
using System.Text;
using CsCheck;
using RelationNeurons.Models.Safetensors;
using RelationNeurons.Tests.Analysis;
using Xunit.Abstractions;

namespace RelationNeurons.Tests.Reliability;

/// <summary>
/// Hostile safetensors files: every case is written to disk, opened with
/// <see cref="SafetensorsFile.Open"/> and, when that succeeds, every tensor is read back. The only
/// allowed failure is <see cref="UserInputException"/> naming the file; a file that opens must
/// keep every tensor inside its data section, without overlaps, with bytes equal to the file's.
/// </summary>
public sealed class SafetensorsHostileTests(ITestOutputHelper output) : IDisposable
{
    private const string Seed = "0N0XIzNsQ0O2";
    private readonly TempDirectory _temp = new();
    private int _fileCounter;

    public void Dispose() => _temp.Dispose();

    /// <summary>A valid file with every dtype, an empty tensor and metadata.</summary>
    internal static byte[] ValidFile()
    {
        var rng = new Random(7);
        float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var w = new SafetensorsWriter()
            .AddMetadata("format", "pt")
            .AddF32("model.a", Floats(12), 3, 4)
            .AddF16("model.b", Floats(5), 5)
            .AddBF16("model.c", Floats(8), 2, 2, 2)
            .AddI64("model.d", [1, -2, 3], 3)
            .AddI32("model.e", [7, 8], 2, 1)
            .AddF32("model.empty", [], 0, 3);
        using var ms = new MemoryStream();
        w.WriteTo(ms);
        return ms.ToArray();
    }

    private string WriteCase(byte[] bytes)
    {
        string path = _temp[$"case{Interlocked.Increment(ref _fileCounter)}.safetensors"];
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Opens and reads every tensor, checking that nothing was read from outside the file's data section.</summary>
    internal static void OpenAndReadAll(string path, byte[] bytes)
    {
        using var file = SafetensorsFile.Open(path);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(bytes.LongLength, file.FileLength);
        var spans = new List<(long Begin, long End)>();
        foreach (var t in file.Tensors.Values)
        {
            Assert.InRange(t.DataOffset, dataStart, file.FileLength);
            Assert.InRange(t.DataOffset + t.ByteLength, t.DataOffset, file.FileLength);
            long count = 1;
            foreach (long d in t.Shape) { Assert.True(d >= 0); count = checked(count * d); }
            Assert.Equal(count * SafetensorsFile.ElementSize(t.Dtype), t.ByteLength);
            Assert.True(file.Bytes(t).SequenceEqual(bytes.AsSpan((int)t.DataOffset, (int)t.ByteLength)));
            if (t.Dtype is SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16)
                Assert.Equal(t.ElementCount, file.ReadFloat32(t.Name).LongLength);
            if (t.ByteLength > 0) spans.Add((t.DataOffset, t.DataOffset + t.ByteLength));
        }
        spans.Sort();
        for (int i = 1; i < spans.Count; i++) Assert.True(spans[i].Begin >= spans[i - 1].End, "tensors overlap");
    }

    private void Try(HostileRun run, byte[] bytes, Func<string> describe, bool mustReject = false)
    {
        string path = WriteCase(bytes);
        run.Case(() => $"{describe()} ({bytes.Length} bytes, kept as {path})", () => OpenAndReadAll(path, bytes), path, mustReject);
        File.Delete(path);
    }

    [Fact]
    public void TruncationsBitFlipsAndSplices()
    {
        byte[] valid = ValidFile();
        var run = new HostileRun("safetensors: truncations, bit flips, splices", output);
        // Every truncation point: all of them but the full length must be refused (the data section is exact).
        for (int cut = 0; cut < valid.Length; cut++)
            Try(run, valid[..cut], () => $"truncated at {cut}", mustReject: true);
        Gen.Select(Gen.Int[0, valid.Length * 8 - 1].Array[1, 6], Gen.Int[0, 99])
            .Sample((bits, headerOnly) =>
            {
                byte[] b = (byte[])valid.Clone();
                // Most flips land in the length and header, where they change meaning; the rest anywhere.
                int limit = headerOnly < 80 ? (8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid)) * 8 : valid.Length * 8;
                foreach (int bit in bits) b[(bit % limit) / 8] ^= (byte)(1 << (bit % 8));
                Try(run, b, () => $"bit flips at {string.Join(",", bits.Select(x => x % limit))}");
            }, iter: 1200, threads: 1, seed: Seed);
        Gen.Select(Gen.Int[0, valid.Length], Gen.Byte.Array[1, 24], Gen.Bool)
            .Sample((at, junk, replace) =>
            {
                byte[] b = replace
                    ? [.. valid.AsSpan(0, at), .. junk, .. valid.AsSpan(Math.Min(valid.Length, at + junk.Length))]
                    : [.. valid.AsSpan(0, at), .. junk, .. valid.AsSpan(at)];
                Try(run, b, () => $"{(replace ? "overwrote" : "inserted")} {Convert.ToHexString(junk)} at {at}");
            }, iter: 400, threads: 1, seed: Seed);
        run.Report(minimumRejected: 1000);
    }

    [Fact]
    public void HeaderLengthLies()
    {
        byte[] valid = ValidFile();
        ulong truth = BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var run = new HostileRun("safetensors: lying header length", output);
        ulong[] lies =
        [
            0, 1, 2, 7, truth - 1, truth + 1, (ulong)valid.Length - 8, (ulong)valid.Length - 7, (ulong)valid.Length,
            SafetensorsFile.MaxHeaderBytes, SafetensorsFile.MaxHeaderBytes + 1, int.MaxValue, uint.MaxValue, long.MaxValue,
            (ulong)long.MaxValue + 1, ulong.MaxValue, ulong.MaxValue - 7,
        ];
        foreach (ulong lie in lies)
        {
            byte[] b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(b, lie);
            Try(run, b, () => $"header length {lie}", mustReject: lie != truth);
        }
        Gen.ULong.Sample(lie =>
        {
            byte[] b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(b, lie);
            Try(run, b, () => $"header length {lie}", mustReject: lie != truth);
        }, iter: 300, threads: 1, seed: Seed);
        // A huge header length on a file that really is that long would be read: the limit must stop it first.
        run.Report(minimumRejected: 300);
    }

    [Fact]
    public void LyingHeaders()
    {
        var run = new HostileRun("safetensors: lying headers (dtypes, shapes, offsets, metadata)", output);
        LyingHeader.Gen.Sample(h =>
        {
            byte[] b = h.Build();
            Try(run, b, () => h.ToString());
        }, iter: 2500, threads: 1, seed: Seed);
        run.Report(minimumRejected: 1500);
    }

    [Fact]
    public void MutatedHeaderJsonNonUtf8AndDeepNesting()
    {
        byte[] valid = ValidFile();
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        string header = Encoding.UTF8.GetString(valid, 8, headerLength);
        byte[] data = valid[(8 + headerLength)..];
        var run = new HostileRun("safetensors: mutated header JSON, non-UTF-8, deep nesting", output);

        byte[] Assemble(byte[] headerBytes) =>
            [.. BitConverter.IsLittleEndian ? BitConverter.GetBytes((ulong)headerBytes.Length) : throw new PlatformNotSupportedException(), .. headerBytes, .. data];

        JsonMutator.Mutations.Sample(ms =>
        {
            string mutated = JsonMutator.Apply(header, ms);
            Try(run, Assemble(Encoding.UTF8.GetBytes(mutated)), () => $"header mutations {string.Join(" ", ms)}: {Shorten(mutated)}");
        }, iter: 1500, threads: 1, seed: Seed);

        byte[] headerUtf8 = Encoding.UTF8.GetBytes(header);
        Gen.Select(Gen.Int[0, headerUtf8.Length], Gen.Int[0, 100]).Sample((at, variant) =>
        {
            byte[] h = JsonMutator.InsertInvalidUtf8(headerUtf8, at, variant);
            Try(run, Assemble(h), () => $"invalid UTF-8 variant {variant} at header byte {at}", mustReject: true);
        }, iter: 400, threads: 1, seed: Seed);

        foreach (int depth in new[] { 15, 16, 17, 64, 1000, 100_000 })
        {
            string deepMeta = header.Insert(1, "\"__metadata__\":" + JsonMutator.DeepObject(depth) + ",");
            Try(run, Assemble(Encoding.UTF8.GetBytes(deepMeta)), () => $"metadata nested {depth} deep", mustReject: depth >= 16);
            string deepArray = JsonMutator.Deep(depth);
            Try(run, Assemble(Encoding.UTF8.GetBytes(deepArray)), () => $"header array nested {depth} deep", mustReject: true);
        }
        run.Report(minimumRejected: 1000);
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + $"... ({s.Length} chars)";
}

/// <summary>A generated header that may lie in every field, with a data section of its own.</summary>
internal sealed record LyingHeader(IReadOnlyList<LyingTensor> Tensors, string? Metadata, int DataSlack, int LengthLie, int Padding, int DataSeed)
{
    private static readonly string[] Dtypes = ["\"F32\"", "\"F16\"", "\"BF16\"", "\"I32\"", "\"I64\"", "\"U8\"", "\"F64\"", "\"f32\"", "\"1\"", "\"\"", "1", "null", "[\"F32\"]"];
    private static readonly string[] OddDims = ["-1", "4294967296", "4611686018427387904", "9223372036854775807", "9223372036854775808", "1.5", "\"2\"", "null", "1e30", "-0", "2147483648"];
    private static readonly string[] OddShapes = ["null", "\"[2]\"", "{}", "[[2]]", "2"];
    private static readonly string[] OddOffsets = ["[1]", "[1,2,3]", "[\"0\",\"4\"]", "[0,1.5]", "[null,0]", "{}", "[4,0]", "[-4,4]", "\"0,4\"", "[0,9223372036854775807]", "[9223372036854775807,9223372036854775807]", "[0,1e400]", "[]"];
    private static readonly string[] Metadatas = ["{\"format\":\"pt\"}", "{\"k\":1}", "{\"k\":{\"x\":[1]}}", "[]", "\"pt\"", "null", "{\"\\ud800\":\"\\udc00\"}", JsonMutator.DeepObject(20), JsonMutator.DeepObject(70)];
    private static readonly string[] Names = ["w", "model.layers.0.mlp.up_proj.weight", "", "__metadata__", "\u00e9\u4e00", "a\\u0000b", "\\ud800"];

    public static readonly Gen<LyingHeader> Gen =
        CsCheck.Gen.Select(
            LyingTensor.Gen.Array[0, 5],
            CsCheck.Gen.Int[-1, Metadatas.Length - 1],
            CsCheck.Gen.Int[-8, 16],
            CsCheck.Gen.Int[0, 19],
            CsCheck.Gen.Int[0, 9],
            CsCheck.Gen.Int,
            (t, m, slack, lie, pad, seed) => new LyingHeader(t, m < 0 ? null : Metadatas[m], slack, lie, pad, seed));

    public override string ToString() =>
        $"header {Encoding.UTF8.GetString(HeaderBytes(out long dataLength))} with {dataLength} data bytes, length lie {LengthLie}";

    private byte[] HeaderBytes(out long dataLength)
    {
        var sb = new StringBuilder("{");
        var parts = new List<string>();
        if (Metadata is not null) parts.Add("\"__metadata__\":" + Metadata);
        long cursor = 0, previousBegin = 0;
        foreach (var t in Tensors)
        {
            string shape = t.ShapeChoice < 0 ? OddShapes[-t.ShapeChoice - 1] : "[" + string.Join(",", t.Dims.Select(d => d >= 0 ? d.ToString() : OddDims[-d - 1])) + "]";
            string dtype = Dtypes[t.Dtype];
            long? bytes = ConsistentBytes(t, dtype);
            string offsets = t.OffsetMode switch
            {
                0 or 1 or 2 when bytes is { } n => $"[{cursor},{cursor + n}]",
                3 when bytes is { } n => $"[{previousBegin},{previousBegin + n}]",   // overlaps the previous tensor
                4 => $"[{t.Begin},{t.End}]",
                5 => OddOffsets[Math.Abs(t.Begin) % OddOffsets.Length],
                _ => $"[{cursor},{cursor + Math.Abs(t.End % 64)}]",
            };
            if (t.OffsetMode is 0 or 1 or 2 && bytes is { } m) { previousBegin = cursor; cursor += m; }
            parts.Add($"\"{Names[t.Name % Names.Length]}{(t.Name >= Names.Length ? t.Name.ToString() : "")}\":{{\"dtype\":{dtype},\"shape\":{shape},\"data_offsets\":{offsets}}}");
        }
        sb.Append(string.Join(",", parts)).Append('}').Append(' ', Padding);
        dataLength = Math.Max(0, Math.Min(cursor + DataSlack, 4096));
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static long? ConsistentBytes(LyingTensor t, string dtype)
    {
        if (t.ShapeChoice < 0) return null;
        int size = dtype switch { "\"F32\"" or "\"I32\"" => 4, "\"F16\"" or "\"BF16\"" => 2, "\"I64\"" => 8, "\"U8\"" => 1, _ => 4 };
        long count = 1;
        foreach (int d in t.Dims) { if (d < 0) return null; count *= d; }
        return count * size;
    }

    public byte[] Build()
    {
        byte[] header = HeaderBytes(out long dataLength);
        ulong length = LengthLie switch
        {
            < 14 => (ulong)header.Length,
            14 => (ulong)header.Length + 1,
            15 => (ulong)header.Length - 1,
            16 => ulong.MaxValue,
            17 => (ulong)header.Length + (ulong)dataLength + 1,
            18 => 0,
            _ => (ulong)header.Length + (ulong)dataLength,
        };
        var data = new byte[dataLength];
        new Random(DataSeed).NextBytes(data);
        var b = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(b, length);
        header.CopyTo(b, 8);
        data.CopyTo(b, 8 + header.Length);
        return b;
    }
}

/// <summary>One generated tensor entry; negative dims pick an odd literal, negative shape choice an odd shape.</summary>
internal sealed record LyingTensor(int Name, int Dtype, int ShapeChoice, int[] Dims, int OffsetMode, int Begin, int End)
{
    public static readonly Gen<LyingTensor> Gen =
        CsCheck.Gen.Select(
            CsCheck.Gen.Int[0, 12],
            CsCheck.Gen.Int[0, 12],
            CsCheck.Gen.Int[-5, 5],
            CsCheck.Gen.Frequency((6, CsCheck.Gen.Int[0, 5]), (1, CsCheck.Gen.Int[-11, -1])).Array[0, 4],
            CsCheck.Gen.Int[0, 6],
            CsCheck.Gen.Int[-4, 300],
            CsCheck.Gen.Int[-4, 300],
            (n, d, s, dims, mode, begin, end) => new LyingTensor(n, d, s, dims, mode, begin, end));

    public override string ToString() => $"{Name}/{Dtype}/{ShapeChoice}/[{string.Join(",", Dims)}]/{OffsetMode}/{Begin}/{End}";
}
