using System.Text;
using RelationNeurons.IO;
using RelationNeurons.Models;

namespace RelationNeurons.Training;

/// <summary>
/// A resumable snapshot of a run: config, step, sampler state (permutation, cursor, epoch, generator
/// word), parameters and both Adam moments, in parameter order. Binary little-endian, written
/// atomically, so an interrupted write leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "RNTRAIN1";

    public static void Save(string path, Trainer trainer)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Encoding.ASCII.GetBytes(Magic));
            w.Write(trainer.Config.ToJson());
            w.Write(trainer.Step);
            w.Write(trainer.Optimizer.Steps);
            w.Write(trainer.Sampler.Epoch);
            w.Write(trainer.Sampler.Cursor);
            w.Write(trainer.Sampler.Rng.State);
            w.Write(trainer.Sampler.Order.Length);
            foreach (int i in trainer.Sampler.Order) w.Write(i);
            var all = trainer.Parameters.All;
            w.Write(all.Count);
            for (int p = 0; p < all.Count; p++)
            {
                w.Write(all[p].Name);
                w.Write(all[p].Length);
                WriteFloats(w, all[p].Value);
                WriteFloats(w, trainer.Optimizer.FirstMoments[p]);
                WriteFloats(w, trainer.Optimizer.SecondMoments[p]);
            }
        });
    }

    /// <summary>Restores a trainer built for the same config and corpus to the saved state.</summary>
    public static void Load(string path, Trainer trainer)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: checkpoint not found");
        using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        try
        {
            if (Encoding.ASCII.GetString(r.ReadBytes(Magic.Length)) != Magic) throw new UserInputException($"{path}: not a trainer checkpoint");
            var config = LlamaConfig.Parse(r.ReadString(), path);
            if (config != trainer.Config with { EosTokenIds = config.EosTokenIds } || !config.EosTokenIds.SequenceEqual(trainer.Config.EosTokenIds))
                throw new UserInputException($"{path}: checkpoint architecture differs from the requested one; use the same options or another --out");
            long step = r.ReadInt64();
            long adamSteps = r.ReadInt64();
            int epoch = r.ReadInt32(), cursor = r.ReadInt32();
            ulong rng = r.ReadUInt64();
            var order = new int[r.ReadInt32()];
            for (int i = 0; i < order.Length; i++) order[i] = r.ReadInt32();
            var all = trainer.Parameters.All;
            if (r.ReadInt32() != all.Count) throw new UserInputException($"{path}: parameter count differs");
            for (int p = 0; p < all.Count; p++)
            {
                string name = r.ReadString();
                int length = r.ReadInt32();
                if (name != all[p].Name || length != all[p].Length) throw new UserInputException($"{path}: parameter {p} is {name}[{length}], expected {all[p].Name}[{all[p].Length}]");
                ReadFloats(r, all[p].Value);
                ReadFloats(r, trainer.Optimizer.FirstMoments[p]);
                ReadFloats(r, trainer.Optimizer.SecondMoments[p]);
            }
            trainer.Sampler.Restore(order, cursor, epoch, rng);
            trainer.Step = step;
            trainer.Optimizer.Steps = adamSteps;
        }
        catch (EndOfStreamException)
        {
            throw new UserInputException($"{path}: checkpoint is truncated");
        }
    }

    private static void WriteFloats(BinaryWriter w, float[] values) =>
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

    private static void ReadFloats(BinaryReader r, float[] values)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new EndOfStreamException();
    }
}
