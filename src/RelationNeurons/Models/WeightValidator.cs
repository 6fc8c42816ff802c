using System.Numerics;
using System.Runtime.InteropServices;
using RelationNeurons.Models.Safetensors;

namespace RelationNeurons.Models;

/// <summary>
/// Finds NaN and infinity in stored weights. A non-finite weight turns every activation it touches
/// into NaN, and a neuron study then ranks garbage without any error: a checkpoint that holds one
/// is refused with the tensor's name and the element's index. The scan works on the stored bits
/// (a value is non-finite exactly when its exponent bits are all ones), so F16 and BF16 are never
/// converted, and runs over SIMD vectors at memory speed.
/// </summary>
public static class WeightValidator
{
    private const uint F32Exponent = 0x7F80_0000;
    private const ushort F16Exponent = 0x7C00;
    private const ushort BF16Exponent = 0x7F80;

    /// <summary>Index of the first non-finite element of a float tensor's raw bytes, or -1. Integer dtypes have none.</summary>
    public static long FindNonFinite(ReadOnlySpan<byte> data, SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => Find(MemoryMarshal.Cast<byte, uint>(data), F32Exponent),
        SafetensorsDtype.F16 => Find(MemoryMarshal.Cast<byte, ushort>(data), F16Exponent),
        SafetensorsDtype.BF16 => Find(MemoryMarshal.Cast<byte, ushort>(data), BF16Exponent),
        _ => -1,
    };

    /// <summary>Index of the first NaN or infinity in float32 values, or -1.</summary>
    public static long FindNonFinite(ReadOnlySpan<float> values) => Find(MemoryMarshal.Cast<float, uint>(values), F32Exponent);

    /// <summary>The plain loop the vector scan is tested against.</summary>
    internal static long FindNonFiniteScalar(ReadOnlySpan<byte> data, SafetensorsDtype dtype)
    {
        int size = SafetensorsFile.ElementSize(dtype);
        for (int i = 0; i < data.Length / size; i++)
        {
            float v = dtype switch
            {
                SafetensorsDtype.F32 => BitConverter.ToSingle(data.Slice(i * 4, 4)),
                SafetensorsDtype.F16 => (float)BitConverter.ToHalf(data.Slice(i * 2, 2)),
                SafetensorsDtype.BF16 => BFloat16.ToSingle(BitConverter.ToUInt16(data.Slice(i * 2, 2))),
                _ => 0f,
            };
            if (!float.IsFinite(v)) return i;
        }
        return -1;
    }

    private static long Find<T>(ReadOnlySpan<T> bits, T exponent) where T : unmanaged, IBinaryInteger<T>
    {
        var mask = new Vector<T>(exponent);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var block = MemoryMarshal.Cast<T, Vector<T>>(bits);
            for (int b = 0; b < block.Length; b++)
            {
                if (Vector.EqualsAny(block[b] & mask, mask))
                {
                    i = b * Vector<T>.Count;
                    break;
                }
                i = (b + 1) * Vector<T>.Count;
            }
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & exponent) == exponent) return i;
        return -1;
    }

    /// <summary>Throws a <see cref="UserInputException"/> naming the tensor when it holds NaN or infinity.</summary>
    public static unsafe void Check(SafetensorsFile file, SafetensorsTensorInfo tensor)
    {
        if (tensor.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16) || tensor.ByteLength == 0) return;
        int size = SafetensorsFile.ElementSize(tensor.Dtype);
        // Tensors above 2 GB (large embeddings) are scanned in chunks of whole elements.
        long chunk = (int.MaxValue / 64) * 64L;
        byte* start = file.DataPointer(tensor);
        for (long offset = 0; offset < tensor.ByteLength; offset += chunk)
        {
            int length = (int)Math.Min(chunk, tensor.ByteLength - offset);
            long found = FindNonFinite(new ReadOnlySpan<byte>(start + offset, length), tensor.Dtype);
            if (found >= 0) throw NonFinite(file.Path, tensor.Name, tensor.Shape, offset / size + found, Value(start + offset, found, tensor.Dtype));
        }
    }

    /// <summary>Checks float32 values already read (norm vectors), naming the tensor they came from.</summary>
    public static void Check(ReadOnlySpan<float> values, string path, string tensorName, long[] shape)
    {
        long found = FindNonFinite(values);
        if (found >= 0) throw NonFinite(path, tensorName, shape, found, values[(int)found]);
    }

    /// <summary>Scans every float tensor of a checkpoint (reads every byte of it once).</summary>
    public static void CheckAll(CheckpointFiles files)
    {
        foreach (var file in files.Files)
            foreach (var tensor in file.Tensors.Values.OrderBy(t => t.DataOffset))
                Check(file, tensor);
    }

    private static unsafe float Value(byte* start, long index, SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => ((float*)start)[index],
        SafetensorsDtype.F16 => (float)((Half*)start)[index],
        _ => BFloat16.ToSingle(((ushort*)start)[index]),
    };

    internal static UserInputException NonFinite(string path, string tensor, long[] shape, long index, float value)
    {
        // Row and column for matrices: the row of a projection is the unit (neuron) it belongs to.
        string at = shape.Length == 2 && shape[1] > 0 ? $"[{index / shape[1]}, {index % shape[1]}]" : $"[{index}]";
        string what = float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
        return new UserInputException($"{path}: tensor '{tensor}' holds {what} at {at}; the checkpoint is corrupt (or was saved after a diverged training step)");
    }
}
