import os
HERE = os.path.dirname(os.path.abspath(__file__))
# Generates DotTiles.g.cs and OuterTiles.g.cs (register-blocked microkernels with all accumulators spelled out).
MR512, NR512 = 8, 6      # shapes with MR*NR <= MAXACC only (32 zmm registers)
MAXACC = 24
MR256, NR256 = 2, 3
OMR, ONV = 6, 4          # outer-product tiles: rows x 16-float vectors (Vector512)
OMR256, ONV256 = 4, 3    # Vector256 outer tiles: rows x 8-float vectors

def C(n): return f"C{n}"

def cond_ij(i, j):
    cond=[]
    if i>0: cond.append(f"TM.Value > {i}")
    if j>0: cond.append(f"TN.Value > {j}")
    return f"if ({' && '.join(cond)}) " if cond else ""

def acc512_start():
    """The accumulators, zero or (LoadPartials) the parked ones."""
    L=[]
    for i in range(MR512):
        for j in range(NR512):
            L.append(f"        Vector512<float> a{i}{j} = default;")
    L.append("        if ((mode & LoadPartials) != 0)")
    L.append("        {")
    for i in range(MR512):
        for j in range(NR512):
            L.append(f"            {cond_ij(i, j)}a{i}{j} = Vector512.Load(part + {(i*NR512+j)*16});")
    L.append("        }")
    return L

def fma512_step(ind, xload, wload):
    """One 16-lane k-step: the rows' x vectors, then per W row its vector and its column of FMAs."""
    L=[]
    for i in range(MR512):
        pre = "" if i==0 else f"TM.Value > {i} ? "
        post = "" if i==0 else " : default"
        L.append(f"{ind}var xv{i} = {pre}{xload(i)}{post};")
    for j in range(NR512):
        jind = ind
        if j>0:
            L.append(f"{ind}if (TN.Value > {j})"); L.append(f"{ind}{{"); jind += "    "
        L.append(f"{jind}var wv{j} = {wload(j)};")
        for i in range(MR512):
            c = "" if i==0 else f"if (TM.Value > {i}) "
            L.append(f"{jind}{c}a{i}{j} = Vector512.FusedMultiplyAdd(xv{i}, wv{j}, a{i}{j});")
        if j>0: L.append(f"{ind}}}")
    return L

def acc512_end():
    """Park the accumulators (StorePartials), or reduce them and store the tile's results."""
    L=[]
    L.append("        if ((mode & StorePartials) != 0)")
    L.append("        {")
    for i in range(MR512):
        for j in range(NR512):
            L.append(f"            {cond_ij(i, j)}a{i}{j}.Store(part + {(i*NR512+j)*16});")
    L.append("            return;")
    L.append("        }")
    # Sixteen accumulators (row-major slots i*NR512+j) reduced per Reduce16 into r0..r2; row i's
    # TN results are then gathered from slots 6i.. by one two-source permute and stored under a mask.
    names = [f"a{i}{j}" for i in range(MR512) for j in range(NR512)]
    groups = [names[g:g+16] for g in range(0, len(names), 16)]
    for q, group in enumerate(groups):
        if q == 0:
            L.append(f"        var r0 = CanonicalOrder.Reduce16({', '.join(group)});")
        else:
            L.append(f"        var r{q} = TM.Value > {(16 * q) // NR512} ? CanonicalOrder.Reduce16({', '.join(group)}) : default;")
    L.append("        var mask = RowMask(TN.Value);")
    for i in range(MR512):
        base = i * NR512
        q, o = divmod(base, 16)
        hi = min(q + 1, len(groups) - 1)
        idx = ", ".join(str(o + l) for l in range(16))
        cond = f"if (TM.Value > {i}) " if i > 0 else ""
        row = f"r{q}" if o == 0 else f"Avx512F.PermuteVar16x32x2(r{q}, Vector512.Create({idx}), r{hi})"
        L.append(f"        {cond}StoreRow(y + {i} * ldy, {row}, mask, accumulate);")
    return L

def dot512():
    L=[]
    L.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    L.append("    internal static void Tile512<TM, TN, TW>(float* x, nint ldx, byte* w, nint ldw, int k, float* y, nint ldy, bool accumulate, float* part, int mode)")
    L.append("        where TM : struct, IConst where TN : struct, IConst where TW : struct, IWeightLoad")
    L.append("    {")
    L.append("        nint es = TW.ElementSize;")
    L += acc512_start()
    for i in range(MR512):
        L.append(f"        float* x{i} = TM.Value > {i} ? x + {i} * ldx : x;")
    for j in range(NR512):
        L.append(f"        byte* w{j} = TN.Value > {j} ? w + {j} * ldw : w;")
    L.append(f"        float* xt = stackalloc float[16 * {MR512}];")
    L.append("        byte* wt = stackalloc byte[16 * 4 * 6];")
    L.append("        nint len = k & ~15;")
    L.append("        for (int pass = 0; ; pass++)")
    L.append("        {")
    L.append("            for (nint p = 0; p < len; p += 16)")
    L.append("            {")
    L += fma512_step("                ", lambda i: f"Vector512.Load(x{i} + p)", lambda j: f"TW.Load512(w{j} + p * es)")
    L.append("            }")
    L.append("            int tail = k & 15;")
    L.append("            if (pass == 1 || tail == 0) break;")
    L.append("            // Zero-padded copies of the last partial 16-block: padded lanes add fma(0, 0, acc), as in the canonical order.")
    L.append("            // No calls here (Span.Clear / MemoryCopy): a call anywhere in the method makes the JIT spill every accumulator inside the hot loop.")
    L.append(f"            PadTail(x, {MR512}, TM.Value, ldx, xt, len, tail);")
    L.append(f"            PadTail(w, {NR512}, TN.Value, ldw, wt, 16 * es, len * es, tail * es);")
    for i in range(MR512):
        L.append(f"            x{i} = xt + {i * 16};")
    for j in range(NR512):
        L.append(f"            w{j} = wt + {j * 16} * es;")
    L.append("            len = 16;")
    L.append("        }")
    L += acc512_end()
    L.append("    }")
    return L

def packed512():
    """The same tile on packed panels (DotPacking): step s of row i at x + s·xStep + 16·i, of W row j at w + s·wStep + 16·j elements; zero-padded to whole steps, so no tail."""
    L=[]
    L.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    L.append("    internal static void Packed512<TM, TN, TW>(float* x, nint xStep, byte* w, nint wStep, int steps, float* y, nint ldy, bool accumulate, float* part, int mode)")
    L.append("        where TM : struct, IConst where TN : struct, IConst where TW : struct, IWeightLoad")
    L.append("    {")
    L.append("        nint es = TW.ElementSize;")
    L += acc512_start()
    L.append("        for (int s = 0; s < steps; s++)")
    L.append("        {")
    L += fma512_step("            ", lambda i: f"Vector512.Load(x + {16 * i})", lambda j: f"TW.Load512(w + {16 * j} * es)")
    L.append("            x += xStep;")
    L.append("            w += wStep;")
    L.append("        }")
    L += acc512_end()
    L.append("    }")
    return L

def acc256_start():
    L=[]
    for i in range(MR256):
        for j in range(NR256):
            L.append(f"        Vector256<float> l{i}{j} = default, h{i}{j} = default;")
    L.append("        if ((mode & LoadPartials) != 0)")
    L.append("        {")
    for i in range(MR256):
        for j in range(NR256):
            L.append(f"            {cond_ij(i, j)}{{ l{i}{j} = Vector256.Load(part + {(i*NR256+j)*16}); h{i}{j} = Vector256.Load(part + {(i*NR256+j)*16 + 8}); }}")
    L.append("        }")
    return L

def fma256_step(ind, xload, wload):
    # One half of the 16 k-lanes at a time (low 8, then high 8): 12 accumulators, the half's x rows
    # and one W vector stay in AVX2's 16 registers. Loading both halves at once needed 18 and the
    # JIT spilled two accumulators, whose chains then ran through memory (store-forwarding latency
    # on every step). Each accumulator still takes its FMAs in p order: the same sums.
    L=[]
    for acc, off in (("l", 0), ("h", 8)):
        L.append(f"{ind}{{")
        for i in range(MR256):
            pre = "" if i==0 else f"TM.Value > {i} ? "
            post = "" if i==0 else " : default"
            L.append(f"{ind}    var x{i}v = {pre}{xload(i, off)}{post};")
        for j in range(NR256):
            jind = ind + "    "
            if j>0:
                L.append(f"{jind}if (TN.Value > {j})"); L.append(f"{jind}{{"); jind += "    "
            L.append(f"{jind}var w{j}v = {wload(j, off)};")
            for i in range(MR256):
                c = "" if i==0 else f"if (TM.Value > {i}) "
                L.append(f"{jind}{c}{acc}{i}{j} = Vector256.FusedMultiplyAdd(x{i}v, w{j}v, {acc}{i}{j});")
            if j>0: L.append(f"{ind}    }}")
        L.append(f"{ind}}}")
    return L

def acc256_end():
    L=[]
    L.append("        if ((mode & StorePartials) != 0)")
    L.append("        {")
    for i in range(MR256):
        for j in range(NR256):
            L.append(f"            {cond_ij(i, j)}{{ l{i}{j}.Store(part + {(i*NR256+j)*16}); h{i}{j}.Store(part + {(i*NR256+j)*16 + 8}); }}")
    L.append("            return;")
    L.append("        }")
    for i in range(MR256):
        for j in range(NR256):
            L.append(f"        {cond_ij(i, j)}Store(y + {i} * ldy + {j}, CanonicalOrder.Reduce(l{i}{j}, h{i}{j}), accumulate);")
    return L

def dot256():
    L=[]
    L.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    L.append("    internal static void Tile256<TM, TN, TW>(float* x, nint ldx, byte* w, nint ldw, int k, float* y, nint ldy, bool accumulate, float* part, int mode)")
    L.append("        where TM : struct, IConst where TN : struct, IConst where TW : struct, IWeightLoad")
    L.append("    {")
    L.append("        nint es = TW.ElementSize;")
    L += acc256_start()
    for i in range(MR256):
        L.append(f"        float* x{i} = TM.Value > {i} ? x + {i} * ldx : x;")
    for j in range(NR256):
        L.append(f"        byte* w{j} = TN.Value > {j} ? w + {j} * ldw : w;")
    L.append(f"        float* xt = stackalloc float[16 * {MR256}];")
    L.append(f"        byte* wt = stackalloc byte[16 * 4 * {NR256}];")
    L.append("        nint len = k & ~15;")
    L.append("        for (int pass = 0; ; pass++)")
    L.append("        {")
    L.append("            for (nint p = 0; p < len; p += 16)")
    L.append("            {")
    L += fma256_step("                ", lambda i, off: f"Vector256.Load(x{i} + p{' + 8' if off else ''})", lambda j, off: f"TW.Load256(w{j} + (p{' + 8' if off else ''}) * es)")
    L.append("            }")
    L.append("            int tail = k & 15;")
    L.append("            if (pass == 1 || tail == 0) break;")
    L.append(f"            PadTail(x, {MR256}, TM.Value, ldx, xt, len, tail);")
    L.append(f"            PadTail(w, {NR256}, TN.Value, ldw, wt, 16 * es, len * es, tail * es);")
    for i in range(MR256):
        L.append(f"            x{i} = xt + {i * 16};")
    for j in range(NR256):
        L.append(f"            w{j} = wt + {j * 16} * es;")
    L.append("            len = 16;")
    L.append("        }")
    L += acc256_end()
    L.append("    }")
    return L

def packed256():
    L=[]
    L.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    L.append("    internal static void Packed256<TM, TN, TW>(float* x, nint xStep, byte* w, nint wStep, int steps, float* y, nint ldy, bool accumulate, float* part, int mode)")
    L.append("        where TM : struct, IConst where TN : struct, IConst where TW : struct, IWeightLoad")
    L.append("    {")
    L.append("        nint es = TW.ElementSize;")
    L += acc256_start()
    L.append("        for (int s = 0; s < steps; s++)")
    L.append("        {")
    L += fma256_step("            ", lambda i, off: f"Vector256.Load(x + {16 * i + off})", lambda j, off: f"TW.Load256(w + {16 * j + off} * es)")
    L.append("            x += xStep;")
    L.append("            w += wStep;")
    L.append("        }")
    L += acc256_end()
    L.append("    }")
    return L

def table(name, kernel, MR, NR, tw):
    L=[]
    L.append(f"    private static readonly nint[] {name} =")
    L.append("    [")
    for i in range(1,MR+1):
        L.append("        " + ", ".join((f"(nint)(delegate*<float*, nint, byte*, nint, int, float*, nint, bool, float*, int, void>)&{kernel}<{C(i)}, {C(j)}, {tw}>" if i*j <= MAXACC else "0") for j in range(1,NR+1)) + ",")
    L.append("    ];")
    return L

out=[]
out.append("// <auto-generated> by TileGenerator.py (same folder); edit the generator's template, not this file. </auto-generated>")
out.append("using System.Runtime.CompilerServices;")
out.append("using System.Runtime.Intrinsics;")
out.append("using System.Runtime.Intrinsics.X86;")
out.append("")
out.append("namespace RelationNeurons.Inference.Kernels;")
out.append("")
out.append("internal static unsafe partial class DotTiles")
out.append("{")
out.append(f"    internal const int MR512 = {MR512}, NR512 = {NR512}, MaxAcc512 = {MAXACC}, MR256 = {MR256}, NR256 = {NR256};")
out.append("")
out += dot512(); out.append("")
out += dot256(); out.append("")
out += packed512(); out.append("")
out += packed256(); out.append("")
for tw in ["F32Load","BF16Load","F16Load"]:
    out += table(f"Table512{tw[:-4]}", "Tile512", MR512, NR512, tw)
    out += table(f"Table256{tw[:-4]}", "Tile256", MR256, NR256, tw)
# Packed panels hold F32 (F32 weights, F16 widened while packing) or BF16 (kept: half the bytes through L2).
for tw in ["F32Load","BF16Load"]:
    out += table(f"TablePacked512{tw[:-4]}", "Packed512", MR512, NR512, tw)
    out += table(f"TablePacked256{tw[:-4]}", "Packed256", MR256, NR256, tw)
out.append("}")
open(os.path.join(HERE, "DotTiles.g.cs"), "w").write("\n".join(out)+"\n")

# ---- outer-product tiles (trainer NN / TN): c[i, j..] = sequential FMA over p of a(i,p) * b[p, j..] ----
def outer(W, MR, NV):
    V=f"Vector{W}"; lanes = W//32
    L=[]
    L.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    L.append(f"    internal static void Tile{W}<TM, TN>(float* a, nint sai, nint sap, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate, float* part, int mode)")
    L.append("        where TM : struct, IConst where TN : struct, IConst")
    L.append("    {")
    for i in range(MR):
        L.append("        " + " ".join(f"{V}<float> c{i}{v} = default;" for v in range(NV)))
    L.append("        if ((mode & LoadPartials) != 0)")
    L.append("        {")
    for i in range(MR):
        for v in range(NV):
            cond=[]
            if i>0: cond.append(f"TM.Value > {i}")
            if v>0: cond.append(f"TN.Value > {v}")
            cc = f"if ({' && '.join(cond)}) " if cond else ""
            L.append(f"            {cc}c{i}{v} = {V}.Load(part + {(i*NV+v)*lanes});")
    L.append("        }")
    for i in range(MR):
        L.append(f"        float* a{i} = TM.Value > {i} ? a + {i} * sai : a;")
    L.append("        for (nint p = 0; p < k; p++)")
    L.append("        {")
    L.append("            nint ap = p * sap;")
    L.append("            float* bp = b + p * ldb;")
    for v in range(NV):
        if v==0: L.append(f"            var b{v} = {V}.Load(bp);")
        else: L.append(f"            var b{v} = TN.Value > {v} ? {V}.Load(bp + {v*lanes}) : default;")
    for i in range(MR):
        ind="            "
        if i>0:
            L.append(f"{ind}if (TM.Value > {i})"); L.append(f"{ind}{{"); ind+="    "
        L.append(f"{ind}var av{i} = {V}.Create(a{i}[ap]);")
        for v in range(NV):
            c = "" if v==0 else f"if (TN.Value > {v}) "
            L.append(f"{ind}{c}c{i}{v} = {V}.FusedMultiplyAdd(av{i}, b{v}, c{i}{v});")
        if i>0: L.append("            }")
    L.append("        }")
    L.append("        if ((mode & StorePartials) != 0)")
    L.append("        {")
    for i in range(MR):
        for v in range(NV):
            cond=[]
            if i>0: cond.append(f"TM.Value > {i}")
            if v>0: cond.append(f"TN.Value > {v}")
            cc = f"if ({' && '.join(cond)}) " if cond else ""
            L.append(f"            {cc}c{i}{v}.Store(part + {(i*NV+v)*lanes});")
    L.append("            return;")
    L.append("        }")
    for i in range(MR):
        for v in range(NV):
            cond=[]
            if i>0: cond.append(f"TM.Value > {i}")
            if v>0: cond.append(f"TN.Value > {v}")
            cc = f"if ({' && '.join(cond)}) " if cond else ""
            L.append(f"        {cc}StoreRow(c + {i} * ldc + {v*lanes}, c{i}{v}, accumulate);")
    L.append("    }")
    return L

def otable(name, W, MR, NV):
    L=[]
    L.append(f"    private static readonly nint[] {name} =")
    L.append("    [")
    for i in range(1,MR+1):
        L.append("        " + ", ".join(f"(nint)(delegate*<float*, nint, nint, float*, nint, int, float*, nint, bool, float*, int, void>)&Tile{W}<{C(i)}, {C(j)}>" for j in range(1,NV+1)) + ",")
    L.append("    ];")
    return L

out=[]
out.append("// <auto-generated> by TileGenerator.py (same folder); edit the generator's template, not this file. </auto-generated>")
out.append("using System.Runtime.CompilerServices;")
out.append("using System.Runtime.Intrinsics;")
out.append("")
out.append("namespace RelationNeurons.Inference.Kernels;")
out.append("")
out.append("internal static unsafe partial class OuterTiles")
out.append("{")
out.append(f"    internal const int MR512 = {OMR}, NV512 = {ONV}, MR256 = {OMR256}, NV256 = {ONV256};")
out.append("")
out += outer(512, OMR, ONV); out.append("")
out += outer(256, OMR256, ONV256); out.append("")
out += otable("Table512", 512, OMR, ONV)
out += otable("Table256", 256, OMR256, ONV256)
out.append("}")
open(os.path.join(HERE, "OuterTiles.g.cs"), "w").write("\n".join(out)+"\n")
