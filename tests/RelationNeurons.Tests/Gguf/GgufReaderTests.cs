using System.Buffers.Binary;
using System.Text;
using RelationNeurons.Models.Gguf;

namespace RelationNeurons.Tests.Gguf;

/// <summary>The GGUF reader: every value type, alignment, and hostile files (a clear UserInputException, nothing else).</summary>
public sealed class GgufReaderTests : IDisposable
{
    private readonly string _dir = GgufTestModels.TempFolder("reader");

    public void Dispose() => GgufTestModels.Delete(_dir);

    /// <summary>Hand-written GGUF bytes, so each field can be made hostile on its own.</summary>
    private sealed class Raw
    {
        private readonly MemoryStream _s = new();
        private readonly BinaryWriter _w;
        public Raw() => _w = new BinaryWriter(_s);
        public Raw U32(uint v) { _w.Write(v); return this; }
        public Raw U64(ulong v) { _w.Write(v); return this; }
        public Raw Str(string v) { var b = Encoding.UTF8.GetBytes(v); _w.Write((ulong)b.Length); _w.Write(b); return this; }
        public Raw Bytes(byte[] b) { _w.Write(b); return this; }
        public Raw Header(uint version, ulong tensors, ulong kvs) => U32(GgufFile.Magic).U32(version).U64(tensors).U64(kvs);
        public Raw Tensor(string name, ulong[] dims, uint type, ulong offset)
        {
            Str(name).U32((uint)dims.Length);
            foreach (var d in dims) U64(d);
            return U32(type).U64(offset);
        }
        public Raw AlignTo(int a) { while (_s.Length % a != 0) _w.Write((byte)0); return this; }
        public byte[] ToArray() { _w.Flush(); return _s.ToArray(); }
    }

    private string Save(byte[] bytes, string name = "f.gguf")
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private string Error(byte[] bytes)
    {
        string p = Save(bytes);
        var e = Assert.Throws<UserInputException>(() => GgufFile.Open(p).Dispose());
        Assert.StartsWith(p, e.Message);
        return e.Message;
    }

    /// <summary>One 2×32 F32 tensor plus one metadata string.</summary>
    private static byte[] Valid() => new Raw().Header(3, 1, 1).Str("general.name").U32(8).Str("x")
        .Tensor("t", [32, 2], 0, 0).AlignTo(32).Bytes(new byte[256]).ToArray();

    [Fact]
    public void ValidFileOpens()
    {
        using var f = GgufFile.Open(Save(Valid()));
        Assert.Equal("x", f.GetString("general.name"));
        Assert.Equal([32L, 2], f.Tensors["t"].Dims);
        Assert.Equal(256, f.Tensors["t"].ByteLength);
    }

    [Fact]
    public void EveryValueTypeAndNonDefaultAlignmentRoundTrip()
    {
        var w = new GgufWriter(alignment: 64);
        w.Add("u8", GgufValueType.UInt8, (byte)200).Add("i8", GgufValueType.Int8, (sbyte)-5)
         .Add("u16", GgufValueType.UInt16, (ushort)60000).Add("i16", GgufValueType.Int16, (short)-30000)
         .AddUInt32("u32", 4_000_000_000u).AddInt32("i32", -7).AddFloat32("f32", 1e-5f).AddBool("b", true)
         .AddString("s", "héllo ▁ 🙂").Add("u64", GgufValueType.UInt64, ulong.MaxValue).Add("i64", GgufValueType.Int64, long.MinValue)
         .Add("f64", GgufValueType.Float64, Math.PI)
         .AddArray("as", ["a", "", "ü"]).AddArray("af", [1.5f, -2f]).AddArray("ai", [1, -2, 3])
         .Add("nested", GgufValueType.Array, new GgufArray(GgufValueType.Array, new[] { new GgufArray(GgufValueType.UInt8, new byte[] { 1, 2 }), new GgufArray(GgufValueType.Bool, new[] { true, false }) }))
         .AddF32("v", [1f, 2f, 3f], 3)
         .AddF32("m", Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), 32, 2);
        string p = Path.Combine(_dir, "all.gguf");
        w.Save(p);
        using var f = GgufFile.Open(p);
        Assert.Equal(3u, f.Version);
        Assert.Equal(64, f.Alignment);
        Assert.Equal(0, f.DataStart % 64);
        Assert.Equal(200L, f.GetInteger("u8"));
        Assert.Equal(-5L, f.GetInteger("i8"));
        Assert.Equal(60000L, f.GetInteger("u16"));
        Assert.Equal(-30000L, f.GetInteger("i16"));
        Assert.Equal(4_000_000_000L, f.GetInteger("u32"));
        Assert.Equal(-7L, f.GetInteger("i32"));
        Assert.Equal(1e-5, f.GetNumber("f32"));
        Assert.True(f.GetBool("b"));
        Assert.Equal("héllo ▁ 🙂", f.GetString("s"));
        Assert.Equal(ulong.MaxValue, (ulong)f.Metadata["u64"].Value);
        Assert.Equal(long.MinValue, f.GetInteger("i64"));
        Assert.Equal(Math.PI, f.GetNumber("f64"));
        Assert.Equal(["a", "", "ü"], f.GetArray<string>("as")!);
        Assert.Equal([1.5f, -2f], f.GetArray<float>("af")!);
        Assert.Equal([1, -2, 3], f.GetIntArray("ai")!);
        var nested = (GgufArray)f.Metadata["nested"].Value;
        Assert.Equal(new byte[] { 1, 2 }, ((GgufArray)nested.Values.GetValue(0)!).Values);
        Assert.Equal(new[] { true, false }, ((GgufArray)nested.Values.GetValue(1)!).Values);
        Assert.Equal(0, f.Tensors["m"].Offset % 64);
        Assert.Equal(63f, BitConverter.ToSingle(f.Bytes(f.Tensors["m"])[(63 * 4)..]));
        var e = Assert.Throws<UserInputException>(() => f.GetString("u8"));
        Assert.Contains("'u8' is UInt8, expected a string", e.Message);
        Assert.Throws<UserInputException>(() => f.GetInteger("u64")); // above long.MaxValue
    }

    [Fact]
    public void HostileHeadersGiveClearErrors()
    {
        var bad = Valid();
        bad[0] = (byte)'X';
        Assert.Contains("bad magic", Error(bad));
        Assert.Contains("version 1 is not supported", Error(new Raw().Header(1, 0, 0).ToArray()));
        Assert.Contains("tensor count", Error(new Raw().Header(3, ulong.MaxValue, 0).ToArray()));
        Assert.Contains("metadata count", Error(new Raw().Header(3, 0, 1UL << 62).ToArray()));
        Assert.Contains("string length 18446744073709551615 runs past the end",
            Error(new Raw().Header(3, 0, 1).U64(ulong.MaxValue).Bytes(new byte[16]).ToArray()));
        Assert.Contains("string length", Error(new Raw().Header(3, 0, 1).Str("k").U32(8).U64(long.MaxValue + 5UL).Bytes(new byte[8]).ToArray()));
        Assert.Contains("unknown value type 77", Error(new Raw().Header(3, 0, 1).Str("k").U32(77).U64(0).ToArray()));
        Assert.Contains("array of 1152921504606846976 String elements runs past the end",
            Error(new Raw().Header(3, 0, 1).Str("k").U32(9).U32(8).U64(1UL << 60).Bytes(new byte[8]).ToArray()));
        Assert.Contains("appears twice", Error(new Raw().Header(3, 0, 2).Str("k").U32(4).U32(1).Str("k").U32(4).U32(2).ToArray()));
        Assert.Contains("general.alignment must be a power-of-two", Error(new Raw().Header(3, 0, 1).Str("general.alignment").U32(4).U32(48).ToArray()));
        Assert.Contains("not valid UTF-8", Error(new Raw().Header(3, 0, 1).U64(2).Bytes([0xC3, 0x28]).U32(4).U32(1).ToArray()));
        Assert.Contains("neither 0 nor 1", Error(new Raw().Header(3, 0, 1).Str("k").U32(7).Bytes([5]).Bytes(new byte[11]).ToArray()));
    }

    [Fact]
    public void HostileTensorInfosGiveClearErrors()
    {
        byte[] With(ulong[] dims, uint type, ulong offset, int dataBytes = 256) =>
            new Raw().Header(3, 1, 0).Tensor("t", dims, type, offset).AlignTo(32).Bytes(new byte[dataBytes]).ToArray();
        Assert.Contains("unknown ggml type id 99", Error(With([32, 2], 99, 0)));
        Assert.Contains("misaligned", Error(With([32, 2], 0, 4)));
        Assert.Contains("runs past the end of the file", Error(With([32, 2], 0, 32)));
        Assert.Contains("runs past the end of the file", Error(With([32, 2], 0, ulong.MaxValue - 31)));
        Assert.Contains("runs past the end of the file", Error(With([32, 3], 0, 0)));
        Assert.Contains("impossible for a file", Error(With([1UL << 40, 1UL << 40, 1UL << 40], 0, 0)));
        Assert.Contains("not a whole number of Q8_0 blocks", Error(With([33, 2], 8, 0)));
        Assert.Contains("5 dimensions", Error(With([1, 1, 1, 1, 1], 0, 0)));
        Assert.Contains("dimension 1 is 0", Error(With([32, 0], 0, 0)));
        var twice = new Raw().Header(3, 2, 0).Tensor("t", [8], 0, 0).Tensor("t", [8], 0, 32).AlignTo(32).Bytes(new byte[64]).ToArray();
        Assert.Contains("'t' appears twice", Error(twice));
    }

    [Fact]
    public void EveryTruncationAndByteFlipIsAUserErrorOrOpens()
    {
        var w = new GgufWriter();
        w.AddString("general.architecture", "llama").AddArray("tokenizer.ggml.tokens", ["a", "b"]).AddArray("x", [1f, 2f])
         .AddF32("t", new float[64], 32, 2).AddF32("v", new float[8], 8);
        var ms = new MemoryStream();
        w.WriteTo(ms);
        var full = ms.ToArray();
        for (int len = 0; len < full.Length; len++)
        {
            string p = Save(full[..len], "trunc.gguf");
            Assert.Throws<UserInputException>(() => GgufFile.Open(p).Dispose());
        }
        var r = new Random(1);
        for (int i = 0; i < 400; i++)
        {
            var b = (byte[])full.Clone();
            int at = r.Next(0, (int)Math.Min(b.Length, 200));
            b[at] = (byte)r.Next(256);
            if (r.Next(2) == 0) b[r.Next(0, 200)] = 0xFF;
            string p = Save(b, "flip.gguf");
            try { GgufFile.Open(p).Dispose(); }
            catch (UserInputException) { }
        }
    }
}
