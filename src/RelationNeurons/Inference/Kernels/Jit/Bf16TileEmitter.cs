using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace RelationNeurons.Inference.Kernels.Jit;

/// <summary>
/// Assembles the bfloat16 dot tiles (<c>vdpbf16ps</c>, which .NET has no intrinsic for) with Iced.
/// A tile of shape mr×nr takes mr rows of x and nr rows of W, both bfloat16 and k-contiguous,
/// and leaves mr·nr accumulators of 16 float32 lanes in <c>part</c> (accumulator i·nr + j at
/// <c>part + 16·(i·nr + j)</c>); the caller reduces them (<see cref="CanonicalOrder"/>). Lane l of
/// an accumulator takes the pairs (32s + 2l, 32s + 2l + 1) for s = 0, 1, ... in increasing s;
/// the last partial block of 32 elements is read with masked, zeroing loads, so nothing past
/// element k − 1 is ever read and the missing pairs count as 0·0.
/// <para>
/// Signature (System V x86-64): <c>void tile(ushort* x, nint ldxBytes, ushort* w, nint ldwBytes,
/// nint k, float* part)</c>. Register use: accumulators zmm0.., the mr x blocks after them, one
/// W block in zmm31 (so mr·nr + mr + 1 ≤ 32); row r of x is addressed as base[r / 3] + (r % 3)·ldx
/// with bases rdi, r10, r11 (W alike with rdx, rax, rbx), so a step advances ≤ 6 pointers.
/// </para>
/// </summary>
internal static class Bf16TileEmitter
{
    public const int MaxRows = 8, MaxCols = 8;
    private const int Step = 32;          // bfloat16 elements per zmm
    private const int StepBytes = 64;

    /// <summary>Whether a tile of this shape has registers enough (accumulators + x blocks + one W block).</summary>
    public static bool Fits(int mr, int nr) =>
        mr >= 1 && nr >= 1 && mr <= MaxRows && nr <= MaxCols && mr * nr + mr + 1 <= 32;

    /// <summary>Machine code of one tile (position independent: relative jumps only).</summary>
    public static byte[] Assemble(int mr, int nr)
    {
        if (!Fits(mr, nr)) throw new ArgumentOutOfRangeException(nameof(mr), $"no {mr}×{nr} bfloat16 tile");
        var a = new Assembler(64);
        Emit(a, mr, nr);
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), 0);
        return stream.ToArray();
    }

    private static void Emit(Assembler a, int mr, int nr)
    {
        var xBases = new[] { rdi, r10, r11 };
        var wBases = new[] { rdx, rax, rbx };
        bool saveRbx = nr > 6;
        if (saveRbx) a.push(rbx);

        // k1 = lanes of the last partial block: (1 << (k % 32)) − 1; r8 = whole blocks.
        a.mov(rax, r8);
        a.and(eax, Step - 1);
        a.mov(r11d, 1);
        a.shlx(r11d, r11d, eax);
        a.dec(r11d);
        a.kmovd(k1, r11d);
        a.shr(r8, 5);

        // Bases of rows 3.. and 6.. (rax and r11 held the mask work above; free now).
        if (mr > 3) Base(a, r10, rdi, rsi);
        if (mr > 6) Base(a, r11, r10, rsi);
        if (nr > 3) Base(a, rax, rdx, rcx);
        if (nr > 6) Base(a, rbx, rax, rcx);

        for (int t = 0; t < mr * nr; t++) a.vpxord(Zmm(t), Zmm(t), Zmm(t));

        var loop = a.CreateLabel();
        var tail = a.CreateLabel();
        var store = a.CreateLabel();
        a.test(r8, r8);
        a.jz(tail);
        a.Label(ref loop);
        Block(a, mr, nr, xBases, wBases, masked: false);
        a.add(rdi, StepBytes);
        if (mr > 3) a.add(r10, StepBytes);
        if (mr > 6) a.add(r11, StepBytes);
        a.add(rdx, StepBytes);
        if (nr > 3) a.add(rax, StepBytes);
        if (nr > 6) a.add(rbx, StepBytes);
        a.dec(r8);
        a.jnz(loop);

        a.Label(ref tail);
        a.kortestd(k1, k1);
        a.jz(store);
        Block(a, mr, nr, xBases, wBases, masked: true);

        a.Label(ref store);
        for (int t = 0; t < mr * nr; t++) a.vmovups(__zmmword_ptr[r9 + t * 64], Zmm(t));
        if (saveRbx) a.pop(rbx);
        a.vzeroupper();
        a.ret();
    }

    /// <summary>base = from + 3·ld: the first of the next three rows.</summary>
    private static void Base(Assembler a, AssemblerRegister64 dst, AssemblerRegister64 from, AssemblerRegister64 ld)
    {
        a.lea(dst, __[from + ld * 2]);
        a.add(dst, ld);
    }

    /// <summary>One block of 32 elements: mr x loads, then per W row one load and mr dot products.</summary>
    private static void Block(Assembler a, int mr, int nr, AssemblerRegister64[] xBases, AssemblerRegister64[] wBases, bool masked)
    {
        int xFirst = mr * nr;
        for (int i = 0; i < mr; i++)
        {
            var src = Row(xBases, i, rsi);
            if (masked) a.vmovdqu16(Zmm(xFirst + i).k1.z, src);
            else a.vmovups(Zmm(xFirst + i), src);
        }
        var wReg = Zmm(31);
        for (int j = 0; j < nr; j++)
        {
            var src = Row(wBases, j, rcx);
            if (masked) a.vmovdqu16(wReg.k1.z, src);
            else a.vmovups(wReg, src);
            for (int i = 0; i < mr; i++) a.vdpbf16ps(Zmm(i * nr + j), Zmm(xFirst + i), wReg);
        }
    }

    private static AssemblerMemoryOperand Row(AssemblerRegister64[] bases, int r, AssemblerRegister64 ld) => (r % 3) switch
    {
        0 => __zmmword_ptr[bases[r / 3]],
        1 => __zmmword_ptr[bases[r / 3] + ld],
        _ => __zmmword_ptr[bases[r / 3] + ld * 2],
    };

    private static AssemblerRegisterZMM Zmm(int index) => new(Register.ZMM0 + index);
}
