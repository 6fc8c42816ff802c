namespace RelationNeurons.Inference.Kernels.Jit;

/// <summary>
/// Every tile shape <see cref="Bf16TileEmitter"/> can make, assembled once per process into one
/// read-execute mapping (each tile 64-byte aligned) and looked up by shape. Built on first use,
/// only where <see cref="CpuFeatures.HasAvx512Bf16"/> holds; never on a machine without it.
/// </summary>
internal static unsafe class Bf16Tiles
{
    private static readonly Lazy<Table> Instance = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The tile of shape mr×nr (<see cref="Bf16TileEmitter.Fits"/> must hold).</summary>
    public static delegate* unmanaged[SuppressGCTransition]<Bf16TileArgs*, void> Tile(int mr, int nr)
    {
        if (!Bf16TileEmitter.Fits(mr, nr)) throw new ArgumentOutOfRangeException(nameof(mr), $"no {mr}×{nr} bfloat16 tile");
        return (delegate* unmanaged[SuppressGCTransition]<Bf16TileArgs*, void>)Instance.Value.Entries[Index(mr, nr)];
    }

    /// <summary>Assembles and maps every tile now (on first use), so that a system refusing the mapping says so here.</summary>
    public static void EnsureMapped() => _ = Instance.Value;

    private static int Index(int mr, int nr) => (mr - 1) * Bf16TileEmitter.MaxPanels + (nr - 1);

    private sealed record Table(ExecutableMemory Memory, nint[] Entries);

    private static Table Build()
    {
        if (!CpuFeatures.HasAvx512Bf16) throw new PlatformNotSupportedException("this CPU has no AVX512_BF16; the bfloat16 tiles are never built here");
        var code = new List<byte>();
        var offsets = new int[Bf16TileEmitter.MaxRows * Bf16TileEmitter.MaxPanels];
        Array.Fill(offsets, -1);
        for (int mr = 1; mr <= Bf16TileEmitter.MaxRows; mr++)
            for (int nr = 1; nr <= Bf16TileEmitter.MaxPanels; nr++)
            {
                if (!Bf16TileEmitter.Fits(mr, nr)) continue;
                while (code.Count % 64 != 0) code.Add(0xCC); // int3 between tiles
                offsets[Index(mr, nr)] = code.Count;
                code.AddRange(Bf16TileEmitter.Assemble(mr, nr));
            }
        var memory = new ExecutableMemory(code.ToArray());
        var entries = new nint[offsets.Length];
        for (int i = 0; i < offsets.Length; i++) entries[i] = offsets[i] < 0 ? 0 : (nint)(memory.Base + offsets[i]);
        return new Table(memory, entries);
    }
}
