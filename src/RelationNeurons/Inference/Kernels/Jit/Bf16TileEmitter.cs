using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace RelationNeurons.Inference.Kernels.Jit;

/// <summary>
/// Arguments of one emitted tile call, read by the tile through the pointer it is passed
/// (System V passes six integers in registers; a struct keeps the emitted prologue simple).
/// </summary>
internal unsafe struct Bf16TileArgs
{
    /// <summary>Row 0 of x at the slice's first pair: bfloat16, pair p at byte 4p.</summary>
    public ushort* X;
    public nint LdxBytes;
    /// <summary>Panel 0 of the packed slice (<see cref="Bf16Packing"/>): pair p of panel j at byte j·PanelBytes + 64p.</summary>
    public uint* W;
    public nint PanelBytes;
    public nint Pairs;
    /// <summary>Output row 0, column 0 of panel 0; 16 floats per panel.</summary>
    public float* Y;
    public nint LdyBytes;
    /// <summary>1: start from the accumulators in y (a later k-slice); 0: start from +0.</summary>
    public nint Continue;
    /// <summary>Columns of the last panel that exist (a 16-bit lane mask; 0xFFFF for a whole panel).</summary>
    public nint LastMask;
}

/// <summary>
/// Assembles the bfloat16 tiles (<c>vdpbf16ps</c>, which .NET has no intrinsic for) with Iced, in
/// the broadcast ("VNNI") form. A tile of shape mr×nr takes mr rows of x (bfloat16, k-contiguous)
/// and nr packed panels of W (<see cref="Bf16Packing"/>: 16 output columns per 64-byte line, one
/// line per pair of k) and keeps mr·nr accumulators zmm(i·nr + j), each 16 OUTPUT columns: per
/// pair p, <c>vdpbf16ps acc, wLine, pair</c> with x_i's pair (dword at x_i + 4p) broadcast to all
/// lanes. So lane c of an accumulator is one
/// float32 chain over the pairs in increasing p (odd element, then even element, per the SDM), with
/// no reduction at the end; a slice of k continues the chain from the values stored in y, so
/// slicing changes no bit.
/// <para>
/// Signature (System V x86-64): <c>void tile(Bf16TileArgs* args)</c>. Register use: accumulators
/// zmm0.., the nr W lines of a step after them (mr·nr + nr ≤ 32), then one or two registers for
/// the broadcast pair where they fit (else each dot product broadcasts from memory). Row r of x is base[r / 3] +
/// (r % 3)·ldx with bases rsi, r8, r9, r10, r11; panel j of W is wbase[j / 3] + (j % 3)·stride with
/// bases rdx, rbx, rbp; pairs are unrolled by <see cref="Unroll"/> with displacements.
/// </para>
/// </summary>
internal static class Bf16TileEmitter
{
    public const int MaxRows = 15, MaxPanels = 8;
    private const int Unroll = 4;

    /// <summary>Whether a tile of this shape has registers enough (accumulators + one W line per panel).</summary>
    public static bool Fits(int mr, int nr) =>
        mr >= 1 && nr >= 1 && mr <= MaxRows && nr <= MaxPanels && mr * nr + nr <= 32;

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

    // Offsets of Bf16TileArgs' fields (nine 8-byte fields).
    private const int ArgX = 0, ArgLdx = 8, ArgW = 16, ArgPanel = 24, ArgPairs = 32, ArgY = 40, ArgLdy = 48, ArgContinue = 56, ArgMask = 64;

    private static void Emit(Assembler a, int mr, int nr)
    {
        var xBases = new[] { rsi, r8, r9, r10, r11 };
        var wBases = new[] { rdx, rbx, rbp };
        a.push(rbx);
        a.push(rbp);
        a.push(r12);
        var ldx = rcx;
        var stride = r12;
        var count = rax;

        a.mov(eax, __dword_ptr[rdi + ArgMask]);
        a.kmovw(k2, eax);

        // Start: +0, or the chains so far from y (masked, zeroing, on the last panel: nothing past n is read).
        var fresh = a.CreateLabel();
        var start = a.CreateLabel();
        a.cmp(__qword_ptr[rdi + ArgContinue], 0);
        a.je(fresh);
        RowWalk(a, mr, nr, (i, j, mem) =>
        {
            if (j == nr - 1) a.vmovups(Zmm(i * nr + j).k2.z, mem);
            else a.vmovups(Zmm(i * nr + j), mem);
        });
        a.jmp(start);
        a.Label(ref fresh);
        for (int t = 0; t < mr * nr; t++) a.vpxord(Zmm(t), Zmm(t), Zmm(t));
        a.Label(ref start);

        // Bases after the start: the y walk above borrows r10 and r11.
        a.mov(ldx, __qword_ptr[rdi + ArgLdx]);
        a.mov(stride, __qword_ptr[rdi + ArgPanel]);
        a.mov(rsi, __qword_ptr[rdi + ArgX]);
        for (int b = 1; b * 3 < mr; b++) Base(a, xBases[b], xBases[b - 1], ldx);
        a.mov(rdx, __qword_ptr[rdi + ArgW]);
        for (int b = 1; b * 3 < nr; b++) Base(a, wBases[b], wBases[b - 1], stride);

        // Main loop: Unroll pairs per pass; then the remaining pairs one at a time.
        var loop = a.CreateLabel();
        var single = a.CreateLabel();
        var singleLoop = a.CreateLabel();
        var store = a.CreateLabel();
        a.mov(count, __qword_ptr[rdi + ArgPairs]);
        a.shr(count, 2);
        a.jz(single);
        a.Label(ref loop);
        for (int u = 0; u < Unroll; u++) Step(a, mr, nr, xBases, wBases, ldx, stride, u);
        Advance(a, mr, nr, xBases, wBases, Unroll);
        a.dec(count);
        a.jnz(loop);
        a.Label(ref single);
        a.mov(count, __qword_ptr[rdi + ArgPairs]);
        a.and(count, Unroll - 1);
        a.jz(store);
        a.Label(ref singleLoop);
        Step(a, mr, nr, xBases, wBases, ldx, stride, 0);
        Advance(a, mr, nr, xBases, wBases, 1);
        a.dec(count);
        a.jnz(singleLoop);

        a.Label(ref store);
        RowWalk(a, mr, nr, (i, j, mem) =>
        {
            if (j == nr - 1) a.vmovups(mem.k2, Zmm(i * nr + j));
            else a.vmovups(mem, Zmm(i * nr + j));
        });
        a.pop(r12);
        a.pop(rbp);
        a.pop(rbx);
        a.vzeroupper();
        a.ret();
    }

    /// <summary>Visits y's tile row by row (pointer in r11, row stride in r10: x bases, free before and after the loop).</summary>
    private static void RowWalk(Assembler a, int mr, int nr, Action<int, int, AssemblerMemoryOperand> each)
    {
        a.mov(r11, __qword_ptr[rdi + ArgY]);
        a.mov(r10, __qword_ptr[rdi + ArgLdy]);
        for (int i = 0; i < mr; i++)
        {
            for (int j = 0; j < nr; j++) each(i, j, __zmmword_ptr[r11 + j * 64]);
            if (i < mr - 1) a.add(r11, r10);
        }
    }

    /// <summary>
    /// One pair step: the nr W lines of the pair, then per row its pair broadcast once into a
    /// register and one dot product per panel. A tile with no register to spare for the
    /// broadcast (mr·nr + nr = 32) broadcasts from memory in each dot product instead, which costs
    /// nr loads of x per row instead of one: on a Zen 5 VM that form held the 9×3 tile at 69 % of
    /// the dot peak (M = 882, K = 2048, N = 5632), the register form runs it at 80 %.
    /// </summary>
    private static void Step(Assembler a, int mr, int nr, AssemblerRegister64[] xBases, AssemblerRegister64[] wBases,
        AssemblerRegister64 ldx, AssemblerRegister64 stride, int u)
    {
        int wFirst = mr * nr, spare = 32 - wFirst - nr;
        for (int j = 0; j < nr; j++) a.vmovups(Zmm(wFirst + j), Line(wBases, j, stride, u * 64));
        for (int i = 0; i < mr; i++)
        {
            if (spare == 0)
            {
                for (int j = 0; j < nr; j++) a.vdpbf16ps(Zmm(i * nr + j), Zmm(wFirst + j), Pair(xBases, i, ldx, u * 4, __dword_bcst));
                continue;
            }
            // Two broadcast registers where there is room, so the next row's load need not wait for this row's dot products to read it.
            var pair = Zmm(wFirst + nr + i % Math.Min(spare, 2));
            a.vpbroadcastd(pair, Pair(xBases, i, ldx, u * 4, __dword_ptr));
            for (int j = 0; j < nr; j++) a.vdpbf16ps(Zmm(i * nr + j), Zmm(wFirst + j), pair);
        }
    }

    private static void Advance(Assembler a, int mr, int nr, AssemblerRegister64[] xBases, AssemblerRegister64[] wBases, int pairs)
    {
        for (int b = 0; b * 3 < mr; b++) a.add(xBases[b], 4 * pairs);
        for (int b = 0; b * 3 < nr; b++) a.add(wBases[b], 64 * pairs);
    }

    /// <summary>base = from + 3·ld: the first of the next three rows (or panels).</summary>
    private static void Base(Assembler a, AssemblerRegister64 dst, AssemblerRegister64 from, AssemblerRegister64 ld)
    {
        a.lea(dst, __[from + ld * 2]);
        a.add(dst, ld);
    }

    private static AssemblerMemoryOperand Line(AssemblerRegister64[] bases, int j, AssemblerRegister64 ld, int disp) => (j % 3) switch
    {
        0 => __zmmword_ptr[bases[j / 3] + disp],
        1 => __zmmword_ptr[bases[j / 3] + ld + disp],
        _ => __zmmword_ptr[bases[j / 3] + ld * 2 + disp],
    };

    /// <summary>Row r's pair at byte <paramref name="disp"/>, as a dword or a dword broadcast (<paramref name="kind"/>).</summary>
    private static AssemblerMemoryOperand Pair(AssemblerRegister64[] bases, int r, AssemblerRegister64 ld, int disp, AssemblerMemoryOperandFactory kind) => (r % 3) switch
    {
        0 => kind[bases[r / 3] + disp],
        1 => kind[bases[r / 3] + ld + disp],
        _ => kind[bases[r / 3] + ld * 2 + disp],
    };

    private static AssemblerRegisterZMM Zmm(int index) => new(Register.ZMM0 + index);
}
